// Paging over rows numbered 0, 1, 2… within a parent (a transcript's sentences): the PageToken is
// a keyset cursor on that number, so page N costs what page 1 costs. The meta is paging.ts's (pageMeta).
import { invalidParameter } from '../errors.js';
import { DEFAULT_PAGE_SIZE, pageMeta, parseWholeNumber, type PageLocation, type PageMeta } from './paging.js';

export interface IndexPageRequest {
  pageSize: number;
  page: number;
  token: string | undefined;
  /** Rows after or before this index, at most `limit` (pageSize + 1: the extra row says more exist). */
  keyset: { limit: number; afterIndex?: number; beforeIndex?: number };
}

const MAX_PAGE = 1_000_000_000;
const TOKEN_PREFIX = 'PI';
const tokenBody = /^([ab])\.(\d{1,10})$/;

export function encodeIndexToken(direction: 'after' | 'before', index: number): string {
  return TOKEN_PREFIX + Buffer.from(`${direction === 'after' ? 'a' : 'b'}.${index}`, 'utf8').toString('base64url');
}

function decodeIndexToken(raw: string): { direction: 'after' | 'before'; index: number } {
  const invalid = () => invalidParameter('Invalid parameter PageToken: not a token this server issued');
  if (raw.length > 40 || !raw.startsWith(TOKEN_PREFIX)) throw invalid();
  const encoded = raw.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw invalid();
  const match = tokenBody.exec(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (match === null) throw invalid();
  return { direction: match[1] === 'a' ? 'after' : 'before', index: Number(match[2]) };
}

export function parseIndexPageRequest(query: Record<string, string | string[] | undefined>, maxPageSize: number): IndexPageRequest {
  const pageSize = parseWholeNumber('PageSize', query.PageSize, 1, maxPageSize) ?? DEFAULT_PAGE_SIZE;
  const page = parseWholeNumber('Page', query.Page, 0, MAX_PAGE) ?? 0;
  const rawToken = query.PageToken;
  if (Array.isArray(rawToken)) throw invalidParameter('Parameter PageToken was given more than once');
  const keyset: IndexPageRequest['keyset'] = { limit: pageSize + 1 };
  if (rawToken !== undefined && rawToken !== '') {
    const { direction, index } = decodeIndexToken(rawToken);
    if (direction === 'after') keyset.afterIndex = index;
    else keyset.beforeIndex = index;
  }
  return { pageSize, page, token: rawToken || undefined, keyset };
}

/** One page from the rows a store returned for `request.keyset` (in index order, at most pageSize + 1). */
export function shapeIndexPage<T>(
  rows: T[],
  request: IndexPageRequest,
  indexOf: (row: T) => number,
  location: PageLocation,
): { items: T[]; meta: PageMeta } {
  const { pageSize, keyset } = request;
  const more = rows.length > pageSize;
  const backwards = keyset.beforeIndex !== undefined;
  const items = more ? (backwards ? rows.slice(rows.length - pageSize) : rows.slice(0, pageSize)) : rows;
  const hasPrevious = backwards ? more : keyset.afterIndex !== undefined;
  const hasNext = backwards ? true : more;
  const first = items[0];
  const last = items[items.length - 1];
  const previousToken = hasPrevious && first !== undefined ? encodeIndexToken('before', indexOf(first)) : null;
  const nextToken = hasNext && last !== undefined ? encodeIndexToken('after', indexOf(last)) : null;
  return { items, meta: pageMeta(location, request, previousToken, nextToken) };
}
