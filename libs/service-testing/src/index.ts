export {
  startServiceUnderTest,
  type HttpCall,
  type HttpMethod,
  type ServiceUnderTest,
} from './service-under-test';
