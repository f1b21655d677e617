/** Date arguments: YYYY, YYYY-MM, YYYY-MM-DD (local time, like the search language) or a full ISO time. */
import { CliError, EXIT } from './exit';

export interface DateArg { start: number; end: number; text: string }

export function parseDateArg(text: string, flag: string): DateArg {
  let m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (m) {
    const y = +m[1]!, mo = m[2] ? +m[2] - 1 : 0, d = m[3] ? +m[3] : 1;
    const start = new Date(y, mo, d).getTime();
    const end = m[3] ? new Date(y, mo, d + 1).getTime() : m[2] ? new Date(y, mo + 1, 1).getTime() : new Date(y + 1, 0, 1).getTime();
    if (mo > 11 || d > 31 || Number.isNaN(start)) throw new CliError(`${flag}: "${text}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`, EXIT.USAGE);
    return { start, end, text };
  }
  m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(text);
  const t = m ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new CliError(`${flag}: "${text}" is not a date (YYYY, YYYY-MM, YYYY-MM-DD or an ISO time)`, EXIT.USAGE);
  return { start: t, end: t, text };
}

/** YYYY-MM-DD of a ms epoch in local time (for the search language's after:/before:) */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
