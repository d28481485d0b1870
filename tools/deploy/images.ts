/**
 * Every image is pinned to a version: never `latest`, never untagged. The services' own images
 * carry the workspace version, and every Kafka image the version the tests run
 * (tools/kafka/kafka-version.txt).
 */
export interface ImageUse {
  where: string;
  image: string;
}

export function imagePinningProblems(
  uses: ImageUse[],
  serviceVersion: string,
  kafkaVersion: string,
): string[] {
  return uses.flatMap(({ where, image }) => {
    const match = /^(?<name>[^@:]+(?::\d+\/[^@:]+)?)(?::(?<tag>[^@]+))?(?:@sha256:[a-f0-9]{64})?$/.exec(
      image,
    );
    const name = match?.groups?.['name'] ?? image;
    const tag = match?.groups?.['tag'];
    if (!tag && !image.includes('@sha256:')) return [`${where}: image ${image} has no tag`];
    if (tag === 'latest' || /\$\{/.test(image)) return [`${where}: image ${image} is not pinned`];
    if (name.startsWith('shopflow/') && tag !== serviceVersion)
      return [`${where}: image ${image} should be tagged ${serviceVersion} (package.json version)`];
    if (name === 'apache/kafka' && tag !== kafkaVersion)
      return [`${where}: image ${image} differs from the tested Kafka ${kafkaVersion}`];
    return [];
  });
}
