// Preload that writes a V8 CPU profile of the whole process when it exits. Node 20 refuses
// `--cpu-prof` in NODE_OPTIONS, and the bench starts the services with an environment, not flags:
//   SAGA_SERVICE_NODE_OPTIONS="--require $PWD/tools/bench/cpu-profile.cjs" \
//   SAGA_SERVICE_CPU_PROFILE_DIR=/tmp/prof npm run bench:saga
// then `node tools/bench/profile-summary.mjs /tmp/prof/*.cpuprofile`.
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  // Posts on an in-thread session complete synchronously, so the profile can be written in 'exit'.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      // dist/apps/<service>/main.js: the service's folder names the profile.
      const name = `${basename(dirname(process.argv[1] ?? 'node'))}-${process.pid}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}
