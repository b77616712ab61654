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
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
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
