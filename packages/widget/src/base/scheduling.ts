/**
 * Runs `callback` in the first task after the next frame has been painted: `requestAnimationFrame`
 * fires just before the frame is rendered, and a message posted from it is delivered just after.
 * Work scheduled this way never delays what the current update puts on screen. Returns a cancel
 * function.
 */
export function afterNextPaint(callback: () => void): () => void {
  let cancelled = false;
  const frame = requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (!cancelled) callback();
    };
    channel.port2.postMessage(null);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
  };
}

/**
 * Runs `callback` when the main thread is idle (`requestIdleCallback`, or a plain task in browsers
 * without it), for warm-up work nothing waits on.
 */
export function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => callback(), { timeout: 1000 });
  else setTimeout(callback, 0);
}
