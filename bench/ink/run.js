// Play random games of an ink story with inkjs, for bench/bench_ink.py (issue 19).
//
//   node run.js compile IN.ink OUT.json          compile with inkjs's compiler (inkjs/full)
//   node run.js play STORY.json GAMES SEED [trace|report]
//                                                play GAMES games, seeds SEED.., print one JSON line
//                                                (trace: every decision; report: the scenes reached;
//                                                both read the "@k"/"@o" lines of a --trace build)
//   node run.js serve STORY.json [STORY2.json]   read "play INDEX SECONDS SEED" lines, answer JSON lines
//
// Game i uses ink's own RANDOM seeded with SEED + i and picks among the offered choices
// uniformly with a seeded generator (mulberry32), as `kremlin-tui explore` picks at random.
// A game ends when the story ends (an ending knot sets v__ending) or offers no choice.
"use strict";

const fs = require("fs");
const path = require("path");

const MAX_STEPS = 1000;

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function compile(inkPath, outPath) {
  const { Compiler, CompilerOptions } = require("inkjs/full");
  const errors = [];
  const options = new CompilerOptions(null, [], false, (message, type) => {
    if (type === 2) errors.push(message); // ErrorType.Error
  });
  const started = process.hrtime.bigint();
  let story = null;
  try {
    story = new Compiler(fs.readFileSync(inkPath, "utf8"), options).Compile();
  } catch (exc) {
    errors.push(String(exc && exc.message ? exc.message : exc));
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!story || errors.length) {
    process.stdout.write(JSON.stringify({ ok: false, errors: errors.slice(0, 20) }) + "\n");
    return 1;
  }
  fs.writeFileSync(outPath, story.ToJson());
  process.stdout.write(JSON.stringify({ ok: true, compile_ms: ms }) + "\n");
  return 0;
}

function load(jsonPath) {
  const { Story } = require("inkjs");
  const story = new Story(fs.readFileSync(jsonPath, "utf8"));
  story.onError = (message) => {
    throw new Error(message);
  };
  return story;
}

// One game: returns [decisions, ending or "", characters of text, trace or null]
// `seen`: a Set that collects the scenes entered (from a --trace build's "@k" lines), or null
function playOne(story, seed, trace, seen) {
  story.ResetState();
  story.state.storySeed = seed;
  story.state.previousRandom = 0;
  const pick = mulberry32(seed * 7919 + 17);
  let decisions = 0;
  let chars = 0;
  const steps = trace ? [] : null;
  let marks = [];
  for (let step = 0; step <= MAX_STEPS; step++) {
    while (story.canContinue) {
      const line = story.Continue();
      chars += line.length;
      if (trace && line.startsWith("@")) marks.push(line.trim());
      if (seen && line.startsWith("@k ")) seen.add(line.trim().slice(3));
    }
    const choices = story.currentChoices;
    if (choices.length === 0) break;
    const index = choices.length === 1 ? 0 : Math.floor(pick() * choices.length);
    if (trace) {
      steps.push({ marks, offered: choices.map((c) => c.text), pick: choices[index].text, vars: variables(story) });
      marks = [];
    }
    story.ChooseChoiceIndex(index);
    decisions++;
  }
  if (trace) steps.push({ marks, offered: [], pick: null, vars: variables(story) });
  const ending = story.variablesState["v__ending"];
  return [decisions, ending, chars, steps];
}

function play(story, games, seed, mode) {
  const trace = mode === "trace";
  const report = mode === "report";
  const seen = report ? new Set() : null;
  const lengths = {};
  const endings = {};
  const traces = [];
  let decisions = 0;
  let chars = 0;
  let stuck = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < games; i++) {
    const [n, ending, c, steps] = playOne(story, seed + i, trace, seen);
    decisions += n;
    chars += c;
    if (ending) endings[ending] = (endings[ending] || 0) + 1;
    else stuck++;
    lengths[n] = (lengths[n] || 0) + 1;
    if (trace) traces.push({ seed: seed + i, ending, steps });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const out = { games, decisions, seconds, chars, stuck, endings, lengths };
  if (report) out.knots = Array.from(seen).sort();
  if (trace) out.traces = traces;
  return out;
}

function variables(story) {
  const values = {};
  for (const name of story.variablesState._globalVariables.keys()) {
    if (name.startsWith("v_")) values[name.slice(2)] = story.variablesState[name];
  }
  return values;
}

// Play whole games until `seconds` have passed (at least one game). `cpu`: the process's CPU
// seconds meanwhile (every thread's: V8 collects garbage and compiles on helper threads).
function playFor(story, seconds, seed) {
  let games = 0;
  let decisions = 0;
  let chars = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  let elapsed = 0;
  while (games === 0 || elapsed < seconds) {
    const [n, , c] = playOne(story, seed + games, false, null);
    decisions += n;
    chars += c;
    games++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const cpu = process.cpuUsage(cpuStarted);
  return { games, decisions, seconds: elapsed, cpu: (cpu.user + cpu.system) / 1e6, chars };
}

function serve(stories) {
  const readline = require("readline");
  const rl = readline.createInterface({ input: process.stdin });
  process.stdout.write(JSON.stringify({ ready: stories.length }) + "\n");
  rl.on("line", (line) => {
    const [command, index, seconds, seed] = line.trim().split(/\s+/);
    if (command !== "play") return;
    const result = playFor(stories[Number(index)], Number(seconds), Number(seed));
    process.stdout.write(JSON.stringify(result) + "\n");
  });
}

function main(argv) {
  const [command, ...args] = argv;
  if (command === "compile") return compile(args[0], args[1]);
  if (command === "play") {
    const story = load(args[0]);
    const result = play(story, Number(args[1]), Number(args[2]), args[3] || "");
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
  }
  if (command === "serve") {
    serve(args.map(load));
    return null;
  }
  process.stderr.write(`usage: node ${path.basename(__filename)} compile|play|serve ...\n`);
  return 2;
}

const code = main(process.argv.slice(2));
if (code !== null) process.exitCode = code;
