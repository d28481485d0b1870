export { PlatformModule, type PlatformModuleOptions } from './platform.module';
export {
  PROBLEM_CONTENT_TYPE,
  toProblem,
  ValidationFailedException,
  type FieldError,
  type ProblemDetails,
} from './problem-details';
export { ProblemDetailsFilter } from './problem-details.filter';
export { createValidationPipe } from './validation.pipe';
export { createServiceApp, type ServiceAppOptions } from './service-app';
export { installGracefulShutdown, startService, type StartOptions } from './start-service';
export { describeConfig, runService, type ServiceDefinition } from './run-service';
export { PageQueryDto } from './page-query.dto';
export { domainError, DomainError, domainErrorCodes } from './domain-error';
export { trimString } from './transforms';
