import { CrmCompanyRecord, CrmOpportunityRecord, CrmPersonRecord } from '@app/contracts';

/**
 * Twenty's record shapes (REST `/rest/<plural>` items and webhook `record`s) mapped to what KAM needs.
 * Pure: no HTTP, no Nest. Unknown or missing composite fields become null.
 */
export type TwentyRecord = Record<string, unknown>;

export type TwentyObject = 'company' | 'person' | 'opportunity';
export const TWENTY_PLURALS: Record<TwentyObject, string> = {
  company: 'companies',
  person: 'people',
  opportunity: 'opportunities',
};

/** Stages that count as won: Twenty's standard pipeline ends in CUSTOMER; custom pipelines often say WON. */
export const WON_STAGES = new Set(['CUSTOMER', 'WON', 'CLOSED_WON']);

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown, max: number): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t ? t.slice(0, max) : null;
}

function id(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : null;
}

export function toCompany(r: TwentyRecord): CrmCompanyRecord | null {
  const recordId = id(r.id);
  if (!recordId) return null;
  const employees = typeof r.employees === 'number' && Number.isInteger(r.employees) && r.employees >= 0;
  return {
    id: recordId,
    name: str(r.name, 200) ?? `(${recordId.slice(0, 8)})`,
    domain: str(obj(r.domainName).primaryLinkUrl, 300),
    employees: employees ? (r.employees as number) : null,
    city: str(obj(r.address).addressCity, 100),
  };
}

export function toPerson(r: TwentyRecord): CrmPersonRecord | null {
  const recordId = id(r.id);
  if (!recordId) return null;
  const n = obj(r.name);
  const email = str(obj(r.emails).primaryEmail, 320);
  const phones = obj(r.phones);
  const number = str(phones.primaryPhoneNumber, 40);
  const code = str(phones.primaryPhoneCallingCode ?? phones.primaryPhoneCountryCode, 8);
  const name = [str(n.firstName, 50), str(n.lastName, 50)].filter(Boolean).join(' ');
  return {
    id: recordId,
    companyId: id(r.companyId),
    name: (name || email || `(${recordId.slice(0, 8)})`).slice(0, 100),
    jobTitle: str(r.jobTitle, 200),
    email,
    phone: number ? `${code && code.startsWith('+') ? `${code} ` : ''}${number}`.slice(0, 64) : null,
  };
}

/** Twenty money is `{ amountMicros, currencyCode }`; KAM keeps minor units (two decimals, e.g. fen). */
export function microsToMinor(micros: unknown): number | null {
  const n = typeof micros === 'string' ? Number(micros) : micros;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return null;
  const minor = Math.round(n / 10_000);
  return minor > 0 && Number.isSafeInteger(minor) ? minor : null;
}

export function toOpportunity(r: TwentyRecord): CrmOpportunityRecord | null {
  const recordId = id(r.id);
  if (!recordId) return null;
  const amount = obj(r.amount);
  const currency = typeof amount.currencyCode === 'string' && /^[A-Z]{3}$/.test(amount.currencyCode);
  const close = typeof r.closeDate === 'string' ? /^(\d{4}-\d{2}-\d{2})/.exec(r.closeDate)?.[1] : undefined;
  return {
    id: recordId,
    companyId: id(r.companyId),
    name: str(r.name, 200) ?? '',
    won: typeof r.stage === 'string' && WON_STAGES.has(r.stage.toUpperCase()),
    amountMinor: microsToMinor(amount.amountMicros),
    currency: currency ? (amount.currencyCode as string) : null,
    closeDate: close ?? null,
  };
}

/** A webhook's `eventName` (`company.updated`) split into the object and what happened to it. */
export function parseEventName(
  eventName: unknown,
): { object: TwentyObject; action: 'upsert' | 'delete' } | { object: null } {
  if (typeof eventName !== 'string') return { object: null };
  const [name, verb] = eventName.split('.');
  if (name !== 'company' && name !== 'person' && name !== 'opportunity') return { object: null };
  if (['created', 'updated', 'restored', 'upserted'].includes(verb))
    return { object: name, action: 'upsert' };
  if (['deleted', 'destroyed'].includes(verb)) return { object: name, action: 'delete' };
  return { object: null };
}
