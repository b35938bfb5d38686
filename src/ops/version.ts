// This build's name and version, from the package.json shipped beside dist/ (and src/).
import { readFileSync } from 'node:fs';

interface PackageFacts {
  name: string;
  version: string;
}

let facts: PackageFacts | undefined;

export function packageFacts(): PackageFacts {
  facts ??= JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageFacts;
  return facts;
}
