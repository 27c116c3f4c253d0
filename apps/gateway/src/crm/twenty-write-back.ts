import { CrmLinkedAccount } from '@app/contracts';
import { TwentyApiError, TwentyClient } from './twenty-client';

/** Custom fields KAM keeps on Twenty's Company: tier, health score and owner of the key account. */
export const KAM_COMPANY_FIELDS = [
  { name: 'kamTier', label: 'KAM tier', type: 'TEXT', description: 'Key-account tier (KAM)' },
  {
    name: 'kamHealth',
    label: 'KAM health',
    type: 'NUMBER',
    description: 'Key-account health score 0-100 (KAM)',
  },
  { name: 'kamOwner', label: 'KAM owner', type: 'TEXT', description: 'Key-account owner (KAM)' },
] as const;

interface MetadataField {
  name?: string;
}
interface MetadataObject {
  id: string;
  nameSingular: string;
  fields?: MetadataField[] | { edges?: { node: MetadataField }[] };
}

function fieldNames(o: MetadataObject): Set<string> {
  const f = o.fields;
  const list = Array.isArray(f) ? f : (f?.edges?.map((e) => e.node) ?? []);
  return new Set(list.map((x) => x.name).filter((n): n is string => !!n));
}

/** Creates the custom fields that Company lacks, through the metadata API; answers the names it created. */
export async function ensureCompanyFields(client: TwentyClient): Promise<string[]> {
  const body = await client.request<{ data?: { objects?: MetadataObject[] } }>(
    'GET',
    'rest/metadata/objects',
  );
  const company = body.data?.objects?.find((o) => o.nameSingular === 'company');
  if (!company) throw new Error("Twenty's metadata has no company object");
  const have = fieldNames(company);
  const created: string[] = [];
  for (const f of KAM_COMPANY_FIELDS) {
    if (have.has(f.name)) continue;
    await client.request('POST', 'rest/metadata/fields', {
      objectMetadataId: company.id,
      name: f.name,
      label: f.label,
      type: f.type,
      description: f.description,
      isNullable: true,
    });
    created.push(f.name);
  }
  return created;
}

/** The values written to a company record. */
export function companyPatch(a: CrmLinkedAccount): Record<string, string | number | null> {
  return { kamTier: a.tier, kamHealth: a.healthScore, kamOwner: a.ownerName };
}

/** PATCHes one company; a company that no longer exists in the CRM (404) is skipped, not an error. */
export async function writeBack(client: TwentyClient, a: CrmLinkedAccount): Promise<boolean> {
  try {
    await client.request('PATCH', `rest/companies/${encodeURIComponent(a.crmCompanyId)}`, companyPatch(a));
    return true;
  } catch (e) {
    if (e instanceof TwentyApiError && e.status === 404) return false;
    throw e;
  }
}
