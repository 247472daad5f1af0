// Chart.js, registered piece by piece so the bundle carries only what the dashboard draws
// (vue-chartjs's <Bar>/<Line> register their own controllers).
import {
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

Chart.register(
  CategoryScale,
  LinearScale,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
  Filler,
)

const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback

/** The palette for the current colour mode, read from the same CSS variables as the rest of the page. */
export function chartPalette(theme) {
  const dark = theme === 'dark'
  return {
    text: css('--bs-body-color', dark ? '#ece4e8' : '#2a1f24'),
    muted: css('--bs-secondary-color', dark ? 'rgba(236,228,232,.72)' : 'rgba(42,31,36,.72)'),
    grid: dark ? 'rgba(236, 228, 232, 0.12)' : 'rgba(42, 31, 36, 0.1)',
    primary: css('--bs-primary', dark ? '#c2466f' : '#7b1e3a'),
    gold: dark ? '#f0c468' : '#c8922a',
    tooltipBg: dark ? '#2b2230' : '#2a1f24',
  }
}

/**
 * Options every dashboard chart shares: readable text and grid in both modes, and no animation (figures
 * should read at once, also for reduced-motion users and for screenshots taken by tests).
 */
export function baseOptions(palette) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: palette.text,
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    plugins: {
      legend: { labels: { color: palette.text, boxWidth: 14, boxHeight: 14 } },
      tooltip: { backgroundColor: palette.tooltipBg, titleColor: '#fff', bodyColor: '#fff', padding: 10 },
    },
  }
}

/** A linear/category axis in the palette. */
export function axis(palette, extra = {}) {
  return {
    ticks: { color: palette.muted, ...(extra.ticks || {}) },
    grid: { color: palette.grid, ...(extra.grid || {}) },
    border: { color: palette.grid },
    ...Object.fromEntries(Object.entries(extra).filter(([key]) => !['ticks', 'grid'].includes(key))),
  }
}

/**
 * Options for a chart read point by point (per day, per change): hovering shows every series at that
 * point, each line worded by `label(ctx)`. Options: `scales`, and `legendLabels` to add to the legend labels.
 */
export function indexedOptions(palette, label, { scales, legendLabels } = {}) {
  const base = baseOptions(palette)
  return {
    ...base,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      ...base.plugins,
      legend: { ...base.plugins.legend, labels: { ...base.plugins.legend.labels, ...legendLabels } },
      tooltip: { ...base.plugins.tooltip, callbacks: { label } },
    },
    scales,
  }
}
