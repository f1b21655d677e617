/**
 * IRCv3 server-time tags (`@time=2024-05-01T12:00:00.000Z`), validated: a tag that does not parse as
 * an ISO 8601 UTC time, lies before 2000-01-01, or more than 24 hours after the moment we received it
 * is not trusted — the message gets its receive time instead (serverTimeTrusted false). A hostile or
 * broken server can thus not push messages to year 9999 or before 1970.
 */

/** earliest server time accepted: 2000-01-01T00:00:00Z */
export const SERVER_TIME_MIN = Date.UTC(2000, 0, 1);
/** how far after the receive time a server clock may run ahead */
export const SERVER_TIME_MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** the server time of a `time` tag if it is sane, else undefined */
export function parseServerTime(tag: unknown, now: number): number | undefined {
  if (typeof tag !== 'string' || !ISO_UTC.test(tag)) return undefined;
  const t = Date.parse(tag);
  if (!Number.isFinite(t) || t < SERVER_TIME_MIN || t > now + SERVER_TIME_MAX_AHEAD_MS) return undefined;
  return t;
}
