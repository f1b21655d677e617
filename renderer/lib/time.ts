import { format, isSameDay, isToday, isYesterday } from 'date-fns';

export const timeOf = (t: number) => format(t, 'HH:mm');
export const fullTime = (t: number) => format(t, 'yyyy-MM-dd HH:mm:ss');
export function dayLabel(t: number): string {
  if (isToday(t)) return 'Today';
  if (isYesterday(t)) return 'Yesterday';
  return format(t, 'EEEE, d MMMM yyyy');
}
export const sameDay = (a: number, b: number) => isSameDay(a, b);
export const shortDate = (t: number) => (isToday(t) ? format(t, 'HH:mm') : format(t, 'd MMM'));
