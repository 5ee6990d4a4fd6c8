/**
 * Fastify compiles every route's validator (Ajv) and response serializer (fast-json-stringify) when the app
 * starts: generated code for every REST route, most of which a node may never serve. These compilers are
 * Fastify's own, run on a route's first request instead, which keeps their code and memory out of a
 * service's start. A schema that cannot compile fails that route's requests (500) rather than the start;
 * the REST tests request every route.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type CompileValidator = (route: unknown) => Validate;
type Serialize = (data: unknown) => string;
type CompileSerializer = (route: unknown) => Serialize;

function lazyValidators(compile: CompileValidator): CompileValidator {
  return (route) => {
    let real: Validate | null = null;
    // Fastify reads `errors` off the function it was given after a failed check, as Ajv leaves them.
    const validate: Validate = (data) => {
      real ??= compile(route);
      const result = real(data);
      validate.errors = real.errors;
      return result;
    };
    return validate;
  };
}

function lazySerializers(compile: CompileSerializer): CompileSerializer {
  return (route) => {
    let real: Serialize | null = null;
    return (data) => (real ??= compile(route))(data);
  };
}

/** The `schemaController` option for Fastify: its default compilers, each route's compiled on first use. */
export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const buildValidator = AjvCompiler() as unknown as (...args: unknown[]) => CompileValidator;
  const buildSerializer = SerializerSelector() as unknown as (...args: unknown[]) => CompileSerializer;
  return {
    compilersFactory: {
      buildValidator: ((...args: unknown[]) => lazyValidators(buildValidator(...args))) as never,
      buildSerializer: ((...args: unknown[]) => lazySerializers(buildSerializer(...args))) as never,
    },
  };
}
