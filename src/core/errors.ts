/**
 * Errors that services throw for bad input, so that every edge (HTTP, CLI) can answer with the
 * field and the reason: InputError -> 400 / exit 2, NotFoundError -> 404, ConflictError -> 409.
 */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InputError';
  }
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} does not exist`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ConflictError';
  }
}
