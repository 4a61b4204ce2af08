import type { Chart } from 'chart.js/auto';

/** chart.js, loaded once, on first use, in its own chunk: the console's first paint does not wait for it. */
let chartClass: Promise<typeof Chart> | null = null;
export const loadChart = (): Promise<typeof Chart> =>
  (chartClass ??= import('chart.js/auto').then((module) => module.Chart));
