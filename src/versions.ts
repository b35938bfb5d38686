// Optimistic concurrency: the versions an `If-Match` names. undefined = no condition; a list that
// names no version (garbage) never matches.
export type IfMatch = readonly number[] | undefined;

export const ifMatchFails = (ifMatch: IfMatch, currentVersion: number): boolean =>
  ifMatch !== undefined && !ifMatch.includes(currentVersion);
