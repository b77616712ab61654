import type { Template } from 'aws-cdk-lib/assertions';

/** An IAM policy statement as a synthesized template holds it. */
export interface TemplateStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The logical id of the one Lambda function whose environment has `variable`. */
export function functionWithVariable(template: Template, variable: string): string {
  const functions = template.findResources('AWS::Lambda::Function');
  const ids = Object.keys(functions).filter(
    (id) => functions[id]?.Properties?.Environment?.Variables?.[variable] !== undefined,
  );
  if (ids.length !== 1) throw new Error(`${ids.length} functions have ${variable}`);
  return ids[0]!;
}

/** Every statement of every policy attached to a function's execution role. */
export function statementsOf(template: Template, functionId: string): TemplateStatement[] {
  const role = template.toJSON().Resources[functionId].Properties.Role['Fn::GetAtt'][0] as string;
  return statementsOfRole(template, role);
}

/** Every statement of every `AWS::IAM::Policy` attached to a role (by logical id). */
export function statementsOfRole(template: Template, roleId: string): TemplateStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

/**
 * Every policy statement of the template: of `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
 * resources and of roles' inline policies.
 */
export function allStatements(template: Template): TemplateStatement[] {
  const documents = [
    ...Object.values(template.findResources('AWS::IAM::Policy')).map(
      (policy) => policy.Properties.PolicyDocument,
    ),
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
      (policy) => policy.Properties.PolicyDocument,
    ),
    ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
      ((role.Properties.Policies ?? []) as { PolicyDocument: unknown }[]).map(
        (policy) => policy.PolicyDocument,
      ),
    ),
  ] as { Statement: TemplateStatement[] }[];
  return documents.flatMap((document) => document.Statement);
}

/** The resources of one statement as a list. */
export function resourcesOf(statement: TemplateStatement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The actions of one statement as a list. */
export function actionsOf(statement: TemplateStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The logical ids a statement's resources reference (`Fn::GetAtt`, `Ref`), deduplicated. */
export function referencedIds(statement: TemplateStatement): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string') ids.add(object.Ref);
      const getAtt = object['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.add(getAtt[0]);
      Object.values(object).forEach(visit);
    }
  };
  visit(statement.Resource);
  return [...ids];
}
