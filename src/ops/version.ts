// This build's name and version, from the package's package.json: the nearest one above this file,
// which is one level up from the bundled dist/main.js and two from src/ops/.
import { existsSync, readFileSync } from 'node:fs';

interface PackageFacts {
  name: string;
  version: string;
}

let facts: PackageFacts | undefined;

export function packageFacts(): PackageFacts {
  facts ??= JSON.parse(readFileSync(nearestPackageJson(new URL('.', import.meta.url)), 'utf8')) as PackageFacts;
  return facts;
}

function nearestPackageJson(directory: URL): URL {
  for (let at = directory; ; at = new URL('..', at)) {
    const candidate = new URL('package.json', at);
    if (existsSync(candidate)) return candidate;
    if (at.pathname === '/') throw new Error(`No package.json above ${directory.pathname}`);
  }
}
