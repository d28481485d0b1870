import type { Tree } from '@nx/devkit';
import type { ServiceNames } from './service-names';
import { editFile, FileEdit } from './text-edits';

const K8S = 'deploy/k8s';

/** The last `- podSelector: { matchLabels: { app.kubernetes.io/name: x } }` line of a policy's ingress. */
function allowIngressFrom(tree: Tree, path: string, from: string): void {
  const file = new FileEdit(tree, path);
  const [ingress = '', egress] = file.content.split(/^ {2}egress:/m);
  if (egress === undefined) throw new Error(`service generator: ${path} has no egress section`);
  const lines = [
    ...ingress.matchAll(/^( +)- podSelector: \{ matchLabels: \{ app\.kubernetes\.io\/name: [\w-]+ \} \}\n/gm),
  ];
  const last = lines.at(-1);
  if (!last || last.index === undefined)
    throw new Error(`service generator: ${path} admits no service by name; update the generator`);
  const at = last.index + last[0].length;
  tree.write(
    path,
    `${ingress.slice(0, at)}${last[1]}- podSelector: { matchLabels: { app.kubernetes.io/name: ${from} } }\n${ingress.slice(at)}  egress:${egress}`,
  );
}

/**
 * Kubernetes: the base folder (templates) joins the base; the Ingress routes its prefix; the
 * create-topics Job runs its image; auth serves it the JWKS and MySQL accepts it; the overlays
 * run it (local: one replica, generated development secrets; production: three, secrets from the
 * operator, TLS and a Kafka user of its own through components/encryption-in-transit).
 */
export function addToKubernetes(tree: Tree, n: ServiceNames): void {
  const { name } = n;
  const secretName = `${name}-secrets`;
  editFile(tree, `${K8S}/base/kustomization.yaml`, (file) =>
    file.insertAfterLast(/^resources:\n(?: {2}- [\w-]+\n)+/m, `  - ${name}\n`),
  );
  editFile(tree, `${K8S}/base/ingress.yaml`, (file) =>
    file.append(
      `          - { path: /v1/${name}, pathType: Prefix, backend: { service: { name: ${name}, port: { name: http } } } }\n`,
    ),
  );
  const topicsJob = new FileEdit(tree, `${K8S}/base/create-topics-job.yaml`);
  const containerIndex = [...topicsJob.content.matchAll(/^ {8}- name: [\w-]+\n {10}image: shopflow\//gm)]
    .length;
  topicsJob
    .append(
      `        - name: ${name}\n` +
        `          image: shopflow/${name}:${n.version}\n` +
        `          imagePullPolicy: IfNotPresent\n` +
        `          args: [create-topics]\n` +
        `          envFrom:\n` +
        `            - configMapRef: { name: ${name}-config }\n` +
        `          env:\n` +
        `            - name: DATABASE_URL\n` +
        `              valueFrom: { secretKeyRef: { name: ${secretName}, key: DATABASE_URL } }\n` +
        `          resources:\n` +
        `            requests: { cpu: 50m, memory: 128Mi }\n` +
        `            limits: { cpu: 500m, memory: 256Mi }\n` +
        `          securityContext:\n` +
        `            allowPrivilegeEscalation: false\n` +
        `            readOnlyRootFilesystem: true\n` +
        `            capabilities: { drop: [ALL] }\n`,
    )
    .save();
  allowIngressFrom(tree, `${K8S}/base/auth/network-policy.yaml`, name);
  allowIngressFrom(tree, `${K8S}/components/mysql/network-policy.yaml`, name);

  const passwordVariable = `${n.constantName}_DB_PASSWORD`;
  editFile(tree, `${K8S}/overlays/local/kustomization.yaml`, (file) =>
    file
      .insertBefore(/^ {2}- \{ name: kafka, count: \d+ \}\n/m, `  - { name: ${name}, count: 1 }\n`)
      .insertAfterLast(/^ {6}- \w+_DB_PASSWORD=.*\n/m, `      - ${passwordVariable}=${n.devPassword}\n`)
      .insertAfterLast(
        /^ {2}- name: [\w-]+-secrets\n {4}literals:\n(?: {6}- .*\n)+/m,
        `  - name: ${secretName}\n    literals:\n      - DATABASE_URL=mysql://${n.user}:${n.devPassword}@mysql:3306/${n.schema}\n`,
      ),
  );
  editFile(tree, `${K8S}/overlays/production/kustomization.yaml`, (file) =>
    file
      .insertBefore(/^ {2}- \{ name: kafka, count: \d+ \}\n/m, `  - { name: ${name}, count: 3 }\n`)
      .insertAfterLast(
        /^# {3}[\w-]+-secrets +DATABASE_URL, KAFKA_SASL_PASSWORD\n/m,
        `#   ${secretName.padEnd(23)} DATABASE_URL, KAFKA_SASL_PASSWORD\n`,
      ),
  );
  editFile(tree, `${K8S}/overlays/production/autoscaling.yaml`, (file) =>
    file.append(
      `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ${name}\nspec:\n  minReplicas: 3\n  maxReplicas: 9\n`,
    ),
  );
  addToEncryptionInTransit(tree, n, containerIndex);
}

/** Production's TLS settings, its Kafka user (SASL) on its pods, its create-topics container and the brokers. */
function addToEncryptionInTransit(tree: Tree, n: ServiceNames, topicsContainer: number): void {
  const { name } = n;
  const dir = `${K8S}/components/encryption-in-transit`;
  const passwordEnv = `${n.constantName}_KAFKA_PASSWORD`;
  editFile(tree, `${dir}/kustomization.yaml`, (file) =>
    file
      .insertBefore(/^patches:\n/m, `  - name: ${name}-config\n    behavior: merge\n    literals: *tls\n`)
      .insertAfterLast(
        /^ {2}- path: sasl-[\w-]+\.yaml\n {4}target: .*\n/m,
        `  - path: sasl-${name}.yaml\n    target: { kind: Deployment, name: ${name} }\n`,
      ),
  );
  editFile(tree, `${dir}/create-topics-tls.yaml`, (file) =>
    file.append(
      `- op: add\n  path: /spec/template/spec/containers/${topicsContainer}/volumeMounts\n` +
        `  value: [{ name: backend-ca, mountPath: /var/run/secrets/shopflow/backend-ca, readOnly: true }]\n` +
        `- op: add\n  path: /spec/template/spec/containers/${topicsContainer}/env/-\n` +
        `  value: { name: KAFKA_SASL_USERNAME, value: ${name} }\n` +
        `- op: add\n  path: /spec/template/spec/containers/${topicsContainer}/env/-\n` +
        `  value:\n    name: KAFKA_SASL_PASSWORD\n` +
        `    valueFrom: { secretKeyRef: { name: ${name}-secrets, key: KAFKA_SASL_PASSWORD } }\n`,
    ),
  );
  editFile(tree, `${dir}/kafka-sasl-ssl.yaml`, (file) =>
    file
      .insertAfterLast(
        /^ {12}- name: \w+_KAFKA_PASSWORD\n {14}valueFrom: .*\n/m,
        `            - name: ${passwordEnv}\n              valueFrom: { secretKeyRef: { name: ${name}-secrets, key: KAFKA_SASL_PASSWORD } }\n`,
      )
      .replace(
        /(user_\w+="\$\(\w+_KAFKA_PASSWORD\)");/,
        (m) => `${m[1]}\n                user_${name}="$(${passwordEnv})";`,
      ),
  );
}
