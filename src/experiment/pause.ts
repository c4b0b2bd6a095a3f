/** Giving the event loop its turn during long work, so a page stays responsive and a Stop is seen. */

/** Lets the event loop run every ~30 ms, so a page stays responsive and a Stop is seen, without a timer per epoch. */
export function yielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last <= 30) return;
    await new Promise((r) => setTimeout(r, 0));
    last = performance.now();
  };
}
