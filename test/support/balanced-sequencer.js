// Deals the infrastructure suites into shards of about equal running time (scripts/test.sh runs
// the shards side by side): longest first, each to the shard with the least time so far, from
// the seconds each suite took in a recent CI run (test/suite-seconds.json; a suite not listed
// counts as DEFAULT_SECONDS). A stale figure only makes the shards less even, never skips a
// suite: every suite lands in exactly one shard. Within a shard the longest run first.
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const seconds = require('../suite-seconds.json');

const DEFAULT_SECONDS = 30;

class BalancedSequencer extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const loads = new Array(shardCount).fill(0);
    const mine = [];
    for (const test of byCost(tests)) {
      const lightest = loads.indexOf(Math.min(...loads));
      loads[lightest] += costOf(test);
      if (lightest === shardIndex - 1) mine.push(test);
    }
    return mine;
  }

  sort(tests) {
    return byCost(tests);
  }
}

function costOf(test) {
  return seconds[relative(test.context.config.rootDir, test.path)] ?? DEFAULT_SECONDS;
}

function byCost(tests) {
  return [...tests].sort((a, b) => costOf(b) - costOf(a) || a.path.localeCompare(b.path));
}

module.exports = BalancedSequencer;
