// Resolves the broker jars from Maven Central into .cache/lib-<version>/ (ADR 0002).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, KAFKA_VERSION, KafkaToolError, POM, requireJava, requireTool, run } from './common.mjs';

// --- fetch: resolve the broker jars from Maven Central into .cache/lib-<version>/ ---------------

export function libDir(version = KAFKA_VERSION) {
  return path.join(CACHE_DIR, `lib-${version}`);
}

// Written into the jars folder when complete: a change of pom.xml or of the version makes it stale.
const libFingerprint = () =>
  crypto.createHash('sha256').update(`${KAFKA_VERSION}\n`).update(fs.readFileSync(POM)).digest('hex');

function isLibComplete(dir) {
  try {
    return fs.readFileSync(path.join(dir, '.complete'), 'utf8').trim() === libFingerprint();
  } catch {
    return false;
  }
}

/**
 * Makes sure the jars for KAFKA_VERSION are in .cache/lib-<version>/ (runs Maven only when they are
 * not) and returns the folder. Safe for concurrent processes: Maven fills a private folder that is
 * then renamed into place.
 */
export async function fetchKafka({ log = () => {} } = {}) {
  const dir = libDir();
  if (isLibComplete(dir)) return dir;
  requireJava();
  requireTool('mvn', 'mvn', ['-v']);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const args = ['-q', '-B', '-f', POM, `-Dkafka.version=${KAFKA_VERSION}`];
  args.push('dependency:copy-dependencies', `-DoutputDirectory=${tmp}`);
  log(`resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with Maven…`);
  try {
    const { code, output } = await run('mvn', args);
    if (code !== 0 || !fs.existsSync(path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      const message = `mvn could not resolve Kafka ${KAFKA_VERSION} jars (exit ${code}); command: mvn ${args.join(' ')}`;
      throw new KafkaToolError(message, output);
    }
    fs.writeFileSync(path.join(tmp, '.complete'), `${libFingerprint()}\n`);
    if (isLibComplete(dir)) return dir; // another process won the race
    fs.rmSync(dir, { recursive: true, force: true }); // stale or partial
    fs.renameSync(tmp, dir);
  } catch (err) {
    if (!isLibComplete(dir)) throw err; // else another process renamed its folder first
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
