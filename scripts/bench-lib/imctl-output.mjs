// @ts-check
// What the bench reads from imctl's own output.

/**
 * The write phase of an imctl run, in ms, from its summary line (src/ui/progress.ts `summaryLine`:
 * "import: 10,000 writes sent in 19.7 s (508 a second).", "… in 1 min 5 s", "… in 1 h 2 min"; older
 * builds: "import: 10000 writes in 19.7 s (508/s)."); undefined when there is none, or under 0.1 s.
 * @param {string} stderr
 * @returns {number | undefined}
 */
export function writePhaseMs(stderr) {
  const phase = /: [\d,]+ write(?:s|\(s\))?(?: sent)? in (?:(\d+) h ?)?(?:(\d+) min ?)?(?:([\d.]+) s)?/.exec(stderr);
  if (!phase || !(phase[1] || phase[2] || phase[3])) return undefined;
  const [, hours = 0, minutes = 0, seconds = 0] = phase;
  return (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000;
}
