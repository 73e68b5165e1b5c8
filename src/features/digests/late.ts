/** How a digest held up by the service's downtime says so, on its heading line. */

/** "35 phút", "2 giờ 10 phút", "1 ngày 3 giờ": minutes are left out once the delay is a day or more. */
export function formatDelay(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts =
    days > 0
      ? [`${days} ngày`, hours > 0 ? `${hours} giờ` : '']
      : [hours > 0 ? `${hours} giờ` : '', mins > 0 ? `${mins} phút` : ''];
  return parts.filter(Boolean).join(' ');
}

/** The note on a digest's heading line; it states the delay, it does not explain it. */
export function lateNote(delayMs: number): string {
  return `(gửi chậm ${formatDelay(delayMs)} so với lịch)`;
}

/** The late note goes on the heading line, so the text stays within its 15 lines. */
export function markLate(text: string, delayMs: number): string {
  const [first = '', ...rest] = text.split('\n');
  return [`${first} ${lateNote(delayMs)}`, ...rest].join('\n');
}
