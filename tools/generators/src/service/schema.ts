export interface ServiceGeneratorSchema {
  /** One lowercase word (billing, shipping): the app, schema, topic, image and route names. */
  name: string;
  /** Leave the files as the templates and edits made them (tests: prettier cannot load in jest). */
  skipFormat?: boolean;
}
