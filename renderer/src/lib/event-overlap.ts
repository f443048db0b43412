/**
 * The events of `received` that `snapshot` does not already end with. A window that opens
 * mid-run subscribes to events first and then asks for the run's events so far; the two travel
 * separately, so the first few events heard may also be the snapshot's last few. They are
 * recognised by content (events are plain data; two consecutive identical events do not occur:
 * progress counts and samples move on).
 */
export function eventsAfterSnapshot<E>(snapshot: readonly E[], received: readonly E[]): E[] {
  const key = (e: E) => JSON.stringify(e);
  const tail = snapshot.slice(-received.length).map(key);
  const head = received.map(key);
  for (let overlap = Math.min(tail.length, head.length); overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap && same; i++) same = tail[tail.length - overlap + i] === head[i];
    if (same) return received.slice(overlap);
  }
  return [...received];
}
