export { startServiceUnderTest, type ServiceUnderTest } from './service-under-test';
