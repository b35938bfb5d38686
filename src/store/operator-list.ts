// A service's attached operators as the SQLite store keeps them: one text of comma-separated
// operator SIDs in attach order, '' for none (see migrations/sqlite/0002-attachments-in-service-rows.sql). The write path reads and
// changes it as text, without an array: a service may hold up to MAX_OPERATORS_PER_SERVICE of them.
// SIDs hold no commas.

const COMMA = 44;

/** The operators in attach order. */
export const operatorSidsIn = (list: string): string[] => (list === '' ? [] : list.split(','));

/** Where `sid` starts in `list` as a whole entry, or -1. */
export function operatorIndex(list: string, sid: string): number {
  if (sid === '') return -1;
  for (let at = list.indexOf(sid); at !== -1; at = list.indexOf(sid, at + 1)) {
    const end = at + sid.length;
    if ((at === 0 || list.charCodeAt(at - 1) === COMMA) && (end === list.length || list.charCodeAt(end) === COMMA)) return at;
  }
  return -1;
}

/** How many operators `list` holds. */
export function operatorCount(list: string): number {
  if (list === '') return 0;
  let count = 1;
  for (let at = list.indexOf(','); at !== -1; at = list.indexOf(',', at + 1)) count++;
  return count;
}

/** `list` with `sid` added last. */
export const withOperator = (list: string, sid: string): string => (list === '' ? sid : `${list},${sid}`);

/** `list` without the entry `sid` that starts at `at` (from operatorIndex). */
export function withoutOperatorAt(list: string, at: number, sid: string): string {
  const end = at + sid.length;
  if (at === 0) return end === list.length ? '' : list.slice(end + 1);
  return list.slice(0, at - 1) + list.slice(end);
}
