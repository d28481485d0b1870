export interface ServiceGeneratorSchema {
  /** One lowercase word (billing, shipping): the app, schema, topic, image and route names. */
  name: string;
}
