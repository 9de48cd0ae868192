/** A line diff (longest common subsequence) of two texts, for an editor comparing a pending revision
 * with the published text. Texts too long to compare line by line come back as all removed, all added. */
export interface DiffLine {
  kind: 'same' | 'del' | 'ins';
  text: string;
}

export function lineDiff(before: string, after: string, limit = 4_000_000): DiffLine[] {
  const a = before.split('\n'), b = after.split('\n');
  if (a.length * b.length > limit) {
    return [...a.map((text) => ({ kind: 'del' as const, text })), ...b.map((text) => ({ kind: 'ins' as const, text }))];
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { lines.push({ kind: 'same', text: a[i] }); i++; j++; }
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) lines.push({ kind: 'del', text: a[i++] });
    else lines.push({ kind: 'ins', text: b[j++] });
  }
  return lines;
}
