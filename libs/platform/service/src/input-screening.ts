import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ValidationFailedException, type FieldError } from './problem-details';

/** A string no DTO gives its own maximum may be this long; anything longer is not an input we take. */
export const DEFAULT_MAX_STRING_LENGTH = 1_000;
/** Property names are identifiers; a long one is an attack on whatever echoes it. */
const MAX_KEY_LENGTH = 100;
const MAX_DEPTH = 16;
/** No DTO has this many properties; 100,000 unknown keys would each earn a "should not exist". */
const MAX_PROPERTIES = 100;
/** One rejected field tells the client enough; a million of them would be work for nobody. */
const MAX_ERRORS = 20;

// `@Type(() => Dto)` metadata lives here; class-transformer publishes no typings for this path.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: {
    findTypeMetadata(target: unknown, property: string): { typeFunction?: () => unknown } | undefined;
  };
};

type Class = abstract new (...args: never[]) => unknown;
interface Shape {
  maxLength: Map<string, number>;
  nested: Map<string, Class>;
}
const shapes = new WeakMap<Class, Shape>();

/** A DTO's documented string maxima (`@MaxLength`, `@Length`, `@IsUUID`) and nested DTO types. */
function shapeOf(type: Class): Shape {
  let shape = shapes.get(type);
  if (shape) return shape;
  shape = { maxLength: new Map(), nested: new Map() };
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
    const max =
      rule.name === 'maxLength'
        ? rule.constraints?.[0]
        : rule.name === 'isLength'
          ? rule.constraints?.[1]
          : rule.name === 'isUuid'
            ? 36
            : undefined;
    if (typeof max === 'number') shape.maxLength.set(rule.propertyName, max);
    const nested = defaultMetadataStorage.findTypeMetadata(type, rule.propertyName)?.typeFunction?.();
    if (typeof nested === 'function' && nested !== Number && nested !== String && nested !== Boolean)
      shape.nested.set(rule.propertyName, nested as Class);
  }
  shapes.set(type, shape);
  return shape;
}

/**
 * Finds what no validator should ever see: strings that are not well-formed UTF-16 (a lone
 * surrogate, legal in JSON, makes some validators throw) and strings longer than their field's
 * documented maximum (validators that backtrack pay per character). Runs on the raw input.
 */
export function screenInput(value: unknown, type?: Class, name = 'body'): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field: field || name, message });
  };
  const visit = (
    node: unknown,
    field: string,
    owner: Class | undefined,
    maxLength: number,
    depth: number,
  ) => {
    if (errors.length >= MAX_ERRORS) return;
    if (typeof node === 'string') {
      if (!node.isWellFormed()) fail(field, 'must be well-formed Unicode text');
      else if (node.length > maxLength) fail(field, `must be at most ${maxLength} characters`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= MAX_DEPTH) return fail(field, `must not be nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${field}[${index}]`, owner, maxLength, depth + 1));
      return;
    }
    const shape = owner ? shapeOf(owner) : undefined;
    const entries = Object.entries(node);
    if (entries.length > MAX_PROPERTIES)
      return fail(field, `must not have more than ${MAX_PROPERTIES} properties`);
    for (const [key, child] of entries) {
      const path = field ? `${field}.${key}` : key;
      if (!key.isWellFormed() || key.length > MAX_KEY_LENGTH) {
        fail(field, 'has a property name that is not a well-formed identifier');
        continue;
      }
      const limit = shape?.maxLength.get(key) ?? DEFAULT_MAX_STRING_LENGTH;
      visit(child, path, shape?.nested.get(key), limit, depth + 1);
    }
  };
  visit(value, '', type, DEFAULT_MAX_STRING_LENGTH, 0);
  return errors;
}

/**
 * The first global pipe: body, query and path parameters are screened before validation and
 * transformation, so a hostile string gets the same 400 as any other invalid field.
 */
export class InputScreeningPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const type = typeof metadata.metatype === 'function' ? (metadata.metatype as Class) : undefined;
    const errors = screenInput(value, type, metadata.data ?? metadata.type);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return value;
  }
}
