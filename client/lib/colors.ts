// Colours for the timeline and breakdowns. Goroutines are coloured by start function with a
// stable hash (the same function has the same colour on every page and every reload); states
// and stats use go tool trace's palette where it has one.

/** FNV-1a, enough to spread function names over the hue circle. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function colorForName(name: string): string {
  const h = hash(name);
  const hue = h % 360;
  const saturation = 45 + ((h >>> 9) % 25);
  const lightness = 52 + ((h >>> 17) % 14);
  return `hsl(${hue} ${saturation}% ${lightness}%)`;
}

/** go tool trace's stat2Color (goroutines.go): the breakdown columns' colours. */
export function statColor(stat: string): string {
  if (stat === 'Sched wait time') return '#2c7bb6';
  if (stat === 'Syscall execution time') return '#7b3294';
  if (stat === 'Execution time') return '#d7191c';
  if (stat.startsWith('Block time')) return '#d01c8b';
  return '#636363';
}

/** Goroutine and proc states on the timeline. */
export const stateColors: Record<string, string> = {
  running: '#4cae6e',
  runnable: '#e8bd4f',
  blocked: '#e3a6bf',
  waiting: '#e3a6bf',
  gcwaiting: '#f0b08a',
  'waiting (gc)': '#f0b08a',
  syscall: '#a68ad9',
  'syscall (blocked)': '#8c6fc9',
  allocated: '#e08a3a',
  goal: '#4cae6e',
  idle: '#d9d9d9',
  notexist: '#eeeeee',
  gc: '#e06c3f',
  stw: '#b8322a',
  sweep: '#9bb8d3',
  assist: '#f2a65a',
  'mark assist': '#f2a65a',
  'gc worker': '#e06c3f',
  sample: '#5573c7',
};

export function colorForState(state: string): string {
  const key = state.toLowerCase();
  if (stateColors[key]) return stateColors[key];
  if (key.startsWith('blocked') || key.startsWith('waiting')) return stateColors.blocked;
  if (key.startsWith('syscall')) return stateColors.syscall;
  if (key.startsWith('stw') || key.startsWith('stop-the-world')) return stateColors.stw;
  if (key.includes('sweep')) return stateColors.sweep;
  if (key.includes('assist')) return stateColors.assist;
  if (key.startsWith('gc')) return stateColors.gc;
  return colorForName(state);
}
