// Twilio paging: PageSize/Page/PageToken in, {<key>: [...], meta: {...}} out. PageToken is a keyset
// cursor (creation time, SID), so any page costs the same as the first.
import { invalidParameter } from '../errors.js';
import type { Cursor, KeysetQuery } from '../store/store.js';

export type { Cursor, KeysetQuery };

export interface PageRequest {
  pageSize: number;
  page: number;
  token: string | undefined;
  keyset: KeysetQuery;
}

export interface PageMeta {
  page: number;
  page_size: number;
  first_page_url: string;
  previous_page_url: string | null;
  url: string;
  next_page_url: string | null;
  key: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const MAX_PAGE = 1_000_000_000;
const TOKEN_PREFIX = 'PT';
// Every cursor a stored row can give, rows an older import let in too (a negative time, an uppercase SID).
const tokenBody = /^([ab])\.(-?\d{1,16})\.([A-Z]{2}[0-9a-fA-F]{32})$/;

export function parseWholeNumber(name: string, raw: string | string[] | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidParameter(`Parameter ${name} was given more than once`);
  if (!/^\d{1,10}$/.test(raw)) throw invalidParameter(`Invalid parameter ${name}: must be a whole number from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) throw invalidParameter(`Invalid parameter ${name}: must be a whole number from ${min} to ${max}`);
  return value;
}

export function encodePageToken(direction: 'after' | 'before', cursor: Cursor): string {
  const text = `${direction === 'after' ? 'a' : 'b'}.${cursor.createdMs}.${cursor.sid}`;
  return TOKEN_PREFIX + Buffer.from(text, 'utf8').toString('base64url');
}

function decodePageToken(raw: string): { direction: 'after' | 'before'; cursor: Cursor } {
  const invalid = () => invalidParameter('Invalid parameter PageToken: not a token this server issued');
  if (raw.length > 200 || !raw.startsWith(TOKEN_PREFIX)) throw invalid();
  const encoded = raw.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw invalid();
  const match = tokenBody.exec(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (match === null) throw invalid();
  const createdMs = Number(match[2]);
  if (!Number.isSafeInteger(createdMs)) throw invalid();
  return { direction: match[1] === 'a' ? 'after' : 'before', cursor: { createdMs, sid: match[3]! } };
}

/** A query's paging parameters, as its schema types them (a name given twice comes as an array). */
export interface PagingParameters {
  PageSize?: string | string[];
  Page?: string | string[];
  PageToken?: string | string[];
}

export function parsePageRequest(query: PagingParameters): PageRequest {
  const pageSize = parseWholeNumber('PageSize', query.PageSize, 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const page = parseWholeNumber('Page', query.Page, 0, MAX_PAGE) ?? 0;
  const rawToken = query.PageToken;
  if (Array.isArray(rawToken)) throw invalidParameter('Parameter PageToken was given more than once');
  const keyset: KeysetQuery = { limit: pageSize + 1 };
  if (rawToken !== undefined && rawToken !== '') {
    const { direction, cursor } = decodePageToken(rawToken);
    if (direction === 'after') keyset.after = cursor;
    else keyset.before = cursor;
  }
  return { pageSize, page, token: rawToken || undefined, keyset };
}

export interface PageOf<T> {
  items: T[];
  meta: PageMeta;
}

/** Where a list lives, and the filters its paging URLs repeat (in this order). */
export interface PageLocation {
  base: string;
  path: string;
  key: string;
  filters?: Array<[string, string]>;
}

/**
 * A page's meta. Its URLs repeat the filters and the page size, and carry the tokens of the list's
 * own codec: `previousToken` and `nextToken` are null when there is no page that way.
 */
export function pageMeta(
  location: PageLocation,
  request: Pick<PageRequest, 'pageSize' | 'page' | 'token'>,
  previousToken: string | null,
  nextToken: string | null,
): PageMeta {
  const { pageSize, page } = request;
  let prefix = `${location.base}${location.path}?`;
  for (const [name, value] of location.filters ?? []) prefix += `${name}=${encodeURIComponent(value)}&`;
  prefix += `PageSize=${pageSize}&Page=`;
  const withToken = (pageNumber: number, token: string | undefined) =>
    token === undefined ? `${prefix}${pageNumber}` : `${prefix}${pageNumber}&PageToken=${token}`;
  return {
    page,
    page_size: pageSize,
    first_page_url: withToken(0, undefined),
    previous_page_url: previousToken === null ? null : withToken(Math.max(page - 1, 0), previousToken),
    url: withToken(page, request.token),
    next_page_url: nextToken === null ? null : withToken(page + 1, nextToken),
    key: location.key,
  };
}

/**
 * Shapes one page from the rows a store returned for `request.keyset` (oldest first, at most
 * pageSize + 1 of them: the extra row only says that more exist in the direction of travel).
 */
export function shapePage<T>(rows: T[], request: PageRequest, cursorOf: (row: T) => Cursor, location: PageLocation): PageOf<T> {
  const { pageSize, keyset } = request;
  const more = rows.length > pageSize;
  let items = rows;
  let hasNext: boolean;
  let hasPrevious: boolean;
  if (keyset.before !== undefined) {
    if (more) items = rows.slice(rows.length - pageSize);
    hasPrevious = more;
    hasNext = true;
  } else {
    if (more) items = rows.slice(0, pageSize);
    hasNext = more;
    hasPrevious = keyset.after !== undefined;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const previousToken = hasPrevious && first !== undefined ? encodePageToken('before', cursorOf(first)) : null;
  const nextToken = hasNext && last !== undefined ? encodePageToken('after', cursorOf(last)) : null;
  return { items, meta: pageMeta(location, request, previousToken, nextToken) };
}

/** Keyset paging over rows already in memory (the catalog), sorted oldest first. */
export function pageInMemory<T>(sorted: T[], keyset: KeysetQuery, cursorOf: (row: T) => Cursor): T[] {
  const { after, before, limit } = keyset;
  if (before !== undefined) {
    const end = sorted.findIndex((row) => compareCursors(cursorOf(row), before) >= 0);
    const stop = end === -1 ? sorted.length : end;
    return sorted.slice(Math.max(0, stop - limit), stop);
  }
  const start = after === undefined ? 0 : sorted.findIndex((row) => compareCursors(cursorOf(row), after) > 0);
  return start === -1 ? [] : sorted.slice(start, start + limit);
}

export function compareCursors(a: Cursor, b: Cursor): number {
  if (a.createdMs !== b.createdMs) return a.createdMs < b.createdMs ? -1 : 1;
  return a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
}
