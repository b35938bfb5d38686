// Attaching operators to services: the heart of the operator plane. The store makes each attach
// and detach one atomic step (idempotent, bounded, counted once in the service's version).
import type { OperatorType } from '../../catalog/types.js';
import { invalidParameter, resourceNotFound } from '../../errors.js';
import { languageSupported } from '../../languages.js';
import type { AccountSid, OperatorSid, ServiceSid } from '../../sids.js';
import { settledAnswer } from '../../store/read-cache.js';
import type { AttachmentProbe, Store } from '../../store/store.js';
import type { OperatorFacts, OperatorRules } from '../operators/rules.js';

/**
 * Why an operator (its availability and type) may not be attached to a service in `languageCode`,
 * or null when it may. The snapshot import checks attachments with it too.
 */
export function attachRefusal(
  operatorSid: string,
  availability: string,
  type: OperatorType | undefined,
  languageCode: string,
): string | null {
  if (availability === 'retired') return `Operator ${operatorSid} is retired and cannot be attached to a Service`;
  if (type === undefined || !languageSupported(type.supportedLanguages, languageCode)) {
    return `Operator ${operatorSid} does not support the Service's language ${languageCode} (it supports ${type?.supportedLanguages.join(', ') ?? 'no language'})`;
  }
  return null;
}

export class AttachmentRules {
  constructor(
    private readonly store: Store,
    private readonly operators: OperatorRules,
    private readonly maxOperatorsPerService: number,
  ) {}

  /**
   * Attaches `operatorSid` to the service. A re-attach of a pre-built operator that the read cache
   * has already answered is known at once: then the answer is that read itself (an object that
   * stays the same until anything may have changed it), and there is no promise to wait for.
   * Otherwise a promise.
   */
  attach(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid): AttachmentProbe | Promise<void> {
    const probe = this.store.probeAttachment(accountSid, serviceSid, operatorSid);
    const prebuilt = this.operators.prebuiltOrUndefined(operatorSid);
    const read = prebuilt === undefined ? undefined : settledAnswer(probe)?.value;
    if (prebuilt !== undefined && read?.attached === true) {
      this.checkAttachable(operatorSid, prebuilt, read);
      return read;
    }
    return this.attachWhenRead(accountSid, serviceSid, operatorSid, probe);
  }

  private async attachWhenRead(
    accountSid: AccountSid,
    serviceSid: ServiceSid,
    operatorSid: OperatorSid,
    probe: Promise<AttachmentProbe | null>,
  ): Promise<void> {
    const service = await probe;
    if (service === null) throw resourceNotFound();
    // Most attached operators are pre-built: those are known without an await.
    const operator = this.operators.prebuiltOrUndefined(operatorSid) ?? (await this.operators.customOperator(accountSid, operatorSid));
    this.checkAttachable(operatorSid, operator, service);
    // Re-attaching changes nothing: answered from the read above, without a write transaction.
    if (service.attached) return;
    const outcome = await this.store.attachOperator({
      accountSid,
      serviceSid,
      operatorSid,
      isCustomOperator: operator.kind === 'custom',
      maxOperatorsPerService: this.maxOperatorsPerService,
      nowMs: Date.now(),
    });
    switch (outcome) {
      case 'attached':
      case 'already-attached':
        return;
      case 'service-not-found':
      case 'operator-not-found':
        throw resourceNotFound();
      case 'limit-reached':
        throw invalidParameter(`Service ${serviceSid} already has the maximum of ${this.maxOperatorsPerService} attached operators`);
    }
  }

  /** Throws unless `operator` may be attached to `service`: not retired, and it supports the service's language. */
  private checkAttachable(operatorSid: string, operator: OperatorFacts, service: AttachmentProbe): void {
    const refusal = attachRefusal(operatorSid, operator.availability, this.operators.typeOf(operator), service.languageCode);
    if (refusal !== null) throw invalidParameter(refusal);
  }

  async detach(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid): Promise<void> {
    const outcome = await this.store.detachOperator(accountSid, serviceSid, operatorSid, Date.now());
    if (outcome !== 'detached') throw resourceNotFound();
  }

  async attachedOperatorSids(accountSid: AccountSid, serviceSid: ServiceSid): Promise<OperatorSid[]> {
    const service = await this.store.findServiceBySid(accountSid, serviceSid);
    if (service === null) throw resourceNotFound();
    return (await this.store.attachedOperatorSids([serviceSid])).get(serviceSid) ?? [];
  }
}
