export { serviceGenerator } from './service/generator';
export type { ServiceGeneratorSchema } from './service/schema';
