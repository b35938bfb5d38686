// Runs of digits in a sentence, written ("415-555 0199", "4111 1111 1111 1111") or spoken ("four one
// five", "oh", "double five", "twelve", "forty two"), and mixed; separators (spaces, -, ., commas,
// parentheses, "dash") may sit between the parts. Each run gives its digits and its character span.
export interface DigitRun {
  digits: string;
  start: number;
  end: number;
}

const UNITS: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const TEENS: Record<string, string> = {
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};
const TENS: Record<string, string> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};
const REPEAT: Record<string, number> = { double: 2, triple: 3 };

/** The table's own entry for a word ("constructor" is not a number word). */
const own = <T>(table: Record<string, T>, word: string | undefined): T | undefined =>
  word !== undefined && Object.hasOwn(table, word) ? table[word] : undefined;

const PART = /\d+|[A-Za-z]+|[^\sA-Za-z\d]/g;
const SEPARATOR = /^[-.,()/]$|^dash$/i;

interface Part {
  text: string;
  start: number;
  end: number;
}

function partsOf(text: string): Part[] {
  const parts: Part[] = [];
  for (const match of text.matchAll(PART)) parts.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  return parts;
}

/** Digits that `parts[i]` (and maybe the next part) stand for, and how many parts were used. */
function readDigits(parts: Part[], i: number): { digits: string; used: number } | null {
  const part = parts[i];
  if (part === undefined) return null;
  const word = part.text.toLowerCase();
  if (/^\d+$/.test(word)) return { digits: word, used: 1 };
  // "o" alone is a digit only between other digits; the caller checks that it is not a run's edge.
  const unit = own(UNITS, word);
  if (unit !== undefined) return { digits: unit, used: 1 };
  const teen = own(TEENS, word);
  if (teen !== undefined) return { digits: teen, used: 1 };
  const tens = own(TENS, word);
  if (tens !== undefined) {
    const next = parts[i + 1]?.text.toLowerCase();
    const nextAfterHyphen = next === '-' ? parts[i + 2]?.text.toLowerCase() : undefined;
    const nextUnit = own(UNITS, next);
    if (nextUnit !== undefined && next !== 'oh' && next !== 'o' && next !== 'zero') return { digits: tens + nextUnit, used: 2 };
    const unitAfterHyphen = own(UNITS, nextAfterHyphen);
    if (unitAfterHyphen !== undefined) return { digits: tens + unitAfterHyphen, used: 3 };
    return { digits: `${tens}0`, used: 1 };
  }
  const repeat = own(REPEAT, word);
  if (repeat !== undefined) {
    const next = readDigits(parts, i + 1);
    if (next !== null && next.digits.length === 1) return { digits: next.digits.repeat(repeat), used: 1 + next.used };
  }
  return null;
}

export function digitRuns(text: string): DigitRun[] {
  const parts = partsOf(text);
  const runs: DigitRun[] = [];
  let i = 0;
  // readDigits returns `used` parts that all exist, so the parts[… + used - 1] below are in range.
  for (let part = parts[i]; part !== undefined; part = parts[i]) {
    const first = readDigits(parts, i);
    if (first === null || /^o$/i.test(part.text)) {
      i++;
      continue;
    }
    let digits = first.digits;
    const start = part.start;
    let end = parts[i + first.used - 1]!.end;
    let j = i + first.used;
    while (j < parts.length) {
      let k = j;
      while (k < parts.length && SEPARATOR.test(parts[k]!.text) && k - j < 2) k++;
      const next = readDigits(parts, k);
      if (next === null) break;
      digits += next.digits;
      end = parts[k + next.used - 1]!.end;
      j = k + next.used;
    }
    // An opening parenthesis right before the run, as in "(415) 555", belongs to it.
    runs.push({ digits, start: text[start - 1] === '(' ? start - 1 : start, end });
    i = j;
  }
  return runs;
}
