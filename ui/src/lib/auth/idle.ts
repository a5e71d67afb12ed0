/** What counts as the user being at the workstation. */
export const ACTIVITY_EVENTS = [
  'keydown',
  'pointerdown',
  'pointermove',
  'wheel',
  'touchstart',
] as const;

/**
 * Calls `onIdle` once after `limitMs` without keyboard, mouse or touch activity on `target`.
 * Returns a function that stops watching. One timer, rescheduled only when it fires, so constant
 * mouse movement costs nothing but a timestamp.
 */
export function watchIdle(
  target: EventTarget,
  limitMs: number,
  onIdle: () => void,
  onActivity: () => void = () => {},
): () => void {
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const check = () => {
    const idle = Date.now() - last;
    if (idle >= limitMs) onIdle();
    else timer = setTimeout(check, limitMs - idle);
  };
  const activity = () => {
    last = Date.now();
    onActivity();
  };

  for (const type of ACTIVITY_EVENTS) {
    target.addEventListener(type, activity, { capture: true, passive: true });
  }
  timer = setTimeout(check, limitMs);

  return () => {
    clearTimeout(timer);
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, activity, true);
  };
}
