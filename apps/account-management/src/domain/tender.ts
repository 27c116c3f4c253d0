import { TenderStatus } from '@app/contracts';

/** noticed → preparing → submitted → won | lost; cancelled from any state before a result. */
const MOVES: Record<TenderStatus, readonly TenderStatus[]> = {
  noticed: ['preparing', 'cancelled'],
  preparing: ['submitted', 'cancelled'],
  submitted: ['won', 'lost', 'cancelled'],
  won: [],
  lost: [],
  cancelled: [],
};

export function allowedTenderMoves(from: TenderStatus): readonly TenderStatus[] {
  return MOVES[from] ?? [];
}

export function canMoveTender(from: TenderStatus, to: TenderStatus): boolean {
  return allowedTenderMoves(from).includes(to);
}

/** Whole days from `today` to the deadline's local date (both YYYY-MM-DD). */
export function daysUntil(today: string, deadlineDate: string): number {
  return Math.round(
    (Date.parse(`${deadlineDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
}
