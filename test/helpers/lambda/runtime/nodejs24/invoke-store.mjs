/**
 * The invocation store of the nodejs24.x runtime (@aws/lambda-invoke-store, single-concurrency flavour),
 * published as `awslambda.InvokeStore`: the current request id and X-Ray trace id, and user fields that live
 * for one invocation. Lambda Managed Instances' multi-concurrency flavour is not emulated.
 */
const PROTECTED_KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
};

class InvokeStoreSingle {
  static PROTECTED_KEYS = PROTECTED_KEYS;

  currentContext = undefined;

  isProtectedKey(key) {
    return Object.values(PROTECTED_KEYS).includes(key);
  }

  getRequestId() {
    return this.get(PROTECTED_KEYS.REQUEST_ID) ?? '-';
  }

  getXRayTraceId() {
    return this.get(PROTECTED_KEYS.X_RAY_TRACE_ID);
  }

  getTenantId() {
    return this.get(PROTECTED_KEYS.TENANT_ID);
  }

  getContext() {
    return this.currentContext;
  }

  hasContext() {
    return this.currentContext !== undefined;
  }

  get(key) {
    return this.currentContext?.[key];
  }

  set(key, value) {
    if (this.isProtectedKey(key))
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.currentContext = this.currentContext ?? {};
    this.currentContext[key] = value;
  }

  run(context, fn) {
    this.currentContext = context;
    return fn();
  }
}

let instance;

/** The store, created once and published on `awslambda` unless the global is switched off. */
export const invokeStore = (globalAllowed) => {
  if (instance !== undefined) return instance;
  if (globalAllowed && globalThis.awslambda?.InvokeStore) {
    instance = globalThis.awslambda.InvokeStore;
  } else {
    instance = new InvokeStoreSingle();
    if (globalAllowed && globalThis.awslambda) globalThis.awslambda.InvokeStore = instance;
  }
  return instance;
};

export { PROTECTED_KEYS };
