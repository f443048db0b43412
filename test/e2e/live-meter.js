// Injected into the page by desktop-app.spec.ts (page.addInitScript) before the app loads.
// Measures, in the browser, how the live view behaves during a run: every redraw of a trace chart
// (its data-updates attribute changes) with the time and the point count drawn, and every
// animation frame, so that the frame rate and the longest frame gap show whether the page stayed
// smooth. Plain JavaScript: it runs as it is in the page, untouched by any build.
window.__xlirLiveMeter = (() => {
  let running = false;
  let lastFrame = null;
  const meter = { startedAt: 0, stoppedAt: 0, frames: 0, maxFrameGapMs: 0, redraws: {}, longFrames: 0, longestFrameMs: 0 };
  const frame = (t) => {
    if (!running) return;
    meter.frames++;
    if (lastFrame !== null) meter.maxFrameGapMs = Math.max(meter.maxFrameGapMs, t - lastFrame);
    lastFrame = t;
    requestAnimationFrame(frame);
  };
  const observer = new MutationObserver((records) => {
    const now = performance.now();
    for (const record of records) {
      const chart = record.target;
      const model = chart.getAttribute('data-model');
      (meter.redraws[model] ??= []).push({ t: now, points: Number(chart.getAttribute('data-points')) });
    }
  });
  // Frames that took over 50 ms to produce (Chromium's Long Animation Frames API), where supported.
  const slow = typeof PerformanceObserver === 'function' && PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')
    ? new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          meter.longFrames++;
          meter.longestFrameMs = Math.max(meter.longestFrameMs, entry.duration);
        }
      })
    : null;
  return {
    start() {
      running = true;
      meter.startedAt = performance.now();
      requestAnimationFrame(frame);
      observer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-updates'] });
      slow?.observe({ type: 'long-animation-frame' });
    },
    stop() {
      running = false;
      meter.stoppedAt = performance.now();
      observer.disconnect();
      slow?.disconnect();
      return meter;
    },
  };
})();
