/**
 * GitHub's own description of the operations we call (spec/github-operations.json, extracted from
 * @octokit/openapi by `npm run spec:update`), as checks: which method and path exist, which
 * parameters and body they take, and what each answer may look like.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import { REPO_ROOT } from './run-action.ts'

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema: object
}

interface Response_ {
  content?: Record<
    string,
    { schema?: object; examples?: Record<string, { $ref?: string; value?: unknown }> }
  >
}

interface Operation {
  operationId: string
  parameters?: ({ $ref: string } | Parameter)[]
  requestBody?: unknown
  responses: Record<string, Response_ | { $ref: string }>
}

interface Spec {
  paths: Record<string, Record<string, Operation>>
  components: {
    parameters?: Record<string, Parameter>
    examples?: Record<string, { value: unknown }>
  }
}

export interface Match {
  operationId: string
  /** `POST /orgs/{org}/actions/runners/remove-token` */
  operation: string
  params: Record<string, string>
  query: Record<string, string>
}

export const SPEC_PATH = join(REPO_ROOT, 'spec', 'github-operations.json')
const SPEC_ID = 'github-operations.json'
/** GitHub's error shape, for the error answers the description does not document. */
const ERROR_SCHEMA = { $ref: `${SPEC_ID}#/components/schemas/basic-error` }

export class Contract {
  private readonly spec: Spec
  private readonly ajv: Ajv
  /** By schema object: the spec's own objects, compiled once (the bench counts every request). */
  private readonly compiled = new WeakMap<object, ValidateFunction>()
  private readonly routes: {
    method: string
    template: string
    pattern: RegExp
    names: string[]
    operation: Operation
  }[]

  constructor(spec: Spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec) {
    this.spec = spec
    // strict: false because OpenAPI 3.0 schemas carry keywords JSON Schema does not (example, x-*).
    this.ajv = new Ajv({ strict: false, allErrors: true })
    ;(addFormatsPlugin as unknown as (ajv: Ajv) => void)(this.ajv)
    this.ajv.addSchema(spec as object, SPEC_ID)
    this.routes = Object.entries(spec.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => {
        const names: string[] = []
        const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
          names.push(name)
          return '([^/]+)'
        })
        return {
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          names,
          operation
        }
      })
    )
  }

  /** The operation a request is for, or why the description allows no such request. */
  matchRequest(
    method: string,
    path: string,
    search: URLSearchParams,
    body: string
  ): Match | { problem: string } {
    const byPath = this.routes.filter((route) => route.pattern.test(path))
    if (byPath.length === 0)
      return { problem: `no operation in GitHub's description has the path ${path}` }
    const route = byPath.find((candidate) => candidate.method === method)
    if (!route) {
      return {
        problem: `${method} is not allowed on ${path} (allowed: ${byPath.map((r) => r.method).join(', ')})`
      }
    }
    const values = route.pattern.exec(path)?.slice(1) ?? []
    const params = Object.fromEntries(
      route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')])
    )
    const query = Object.fromEntries(search.entries())
    const declared = this.parameters(route.operation)
    for (const [location, given] of [
      ['path', params],
      ['query', query]
    ] as const) {
      for (const [name, value] of Object.entries(given)) {
        const parameter = declared.find((p) => p.in === location && p.name === name)
        if (!parameter)
          return {
            problem: `${route.operation.operationId} takes no ${location} parameter '${name}'`
          }
        const problem = this.check(parameter.schema, coerce(value, parameter.schema), 'value')
        if (problem)
          return {
            problem: `${location} parameter '${name}' = ${JSON.stringify(value)}: ${problem}`
          }
      }
    }
    for (const parameter of declared.filter((p) => p.required && p.in === 'query')) {
      if (!(parameter.name in query))
        return { problem: `query parameter '${parameter.name}' is required` }
    }
    if (route.operation.requestBody === undefined && body !== '') {
      return {
        problem: `${route.operation.operationId} takes no request body, got ${JSON.stringify(body.slice(0, 80))}`
      }
    }
    return {
      operationId: route.operation.operationId,
      operation: `${route.method} ${route.template}`,
      params,
      query
    }
  }

  /** Why an answer is not one GitHub's description allows for the operation, or undefined. */
  checkAnswer(operationId: string, status: number, body: unknown): string | undefined {
    const operation = this.operation(operationId)
    const documented = this.response(operation, String(status))
    if (!documented) {
      if (status < 400) return `status ${status} is not documented for ${operationId}`
      const problem = this.check(ERROR_SCHEMA, body)
      return problem && `an error answer must have GitHub's error shape (basic-error): ${problem}`
    }
    const schema = documented.content?.['application/json']?.schema
    if (!schema)
      return body === undefined ? undefined : `status ${status} of ${operationId} has no body`
    return this.check(schema, body)
  }

  /** GitHub's documented example answer for the operation's success status. */
  example(operationId: string): { status: number; json: unknown } {
    const operation = this.operation(operationId)
    const status = Object.keys(operation.responses).find((code) => code.startsWith('2'))
    const response = status === undefined ? undefined : this.response(operation, status)
    if (!status || !response) throw new Error(`${operationId} documents no success answer`)
    const example = Object.values(response.content?.['application/json']?.examples ?? {})[0]
    const value = example?.$ref
      ? this.resolve<{ value: unknown }>(example.$ref).value
      : example?.value
    return { status: Number(status), json: value }
  }

  operationIds(): string[] {
    return this.routes.map((route) => route.operation.operationId)
  }

  private operation(operationId: string): Operation {
    const route = this.routes.find((candidate) => candidate.operation.operationId === operationId)
    if (!route) throw new Error(`no operation ${operationId} in ${SPEC_PATH}`)
    return route.operation
  }

  private response(operation: Operation, status: string): Response_ | undefined {
    const response = operation.responses[status]
    return response && '$ref' in response ? this.resolve<Response_>(response.$ref) : response
  }

  private parameters(operation: Operation): Parameter[] {
    return (operation.parameters ?? []).map((p) =>
      '$ref' in p ? this.resolve<Parameter>(p.$ref) : p
    )
  }

  private resolve<T>(ref: string): T {
    const [, , kind, name] = ref.split('/')
    const found = (this.spec.components as Record<string, Record<string, unknown>>)[kind ?? '']?.[
      name ?? ''
    ]
    if (found === undefined) throw new Error(`cannot resolve ${ref}`)
    return found as T
  }

  private check(schema: object, value: unknown, name = 'answer'): string | undefined {
    let validate = this.compiled.get(schema)
    if (!validate) {
      validate = this.ajv.compile(rebase(schema))
      this.compiled.set(schema, validate)
    }
    if (validate(value)) return undefined
    return this.ajv.errorsText(validate.errors, { dataVar: name })
  }
}

/** `#/components/...` references inside the spec, made absolute so a standalone schema can use them. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${SPEC_ID}#/`))
}

/** Path and query values arrive as text; integer and boolean parameters are compared as such. */
function coerce(value: string, schema: object): unknown {
  const type = (schema as { type?: string }).type
  if (type === 'integer' || type === 'number')
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value
  return value
}
