/** The QLDB session service's error types, as they travel in the JSON `__type` field. */
export type QldbErrorType =
  | 'BadRequestException'
  | 'CapacityExceededException'
  | 'InvalidSessionException'
  | 'LimitExceededException'
  | 'OccConflictException'
  | 'RateExceededException'
  | 'InternalFailure';

const STATUS: Record<QldbErrorType, number> = {
  BadRequestException: 400,
  CapacityExceededException: 503,
  InvalidSessionException: 400,
  LimitExceededException: 400,
  OccConflictException: 400,
  RateExceededException: 400,
  InternalFailure: 500,
};

/**
 * An error the fake answers a command with, as QLDB would: an HTTP status and a JSON body whose
 * `__type` the AWS SDK turns into the matching exception class.
 *
 * @example
 * throw new QldbServiceError('OccConflictException', 'Optimistic concurrency control (OCC) failure');
 */
export class QldbServiceError extends Error {
  readonly type: QldbErrorType;
  readonly status: number;

  constructor(type: QldbErrorType, message: string) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = STATUS[type];
  }
}
