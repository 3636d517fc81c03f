// Messages for the Cl@ve Permanente password policy. Spanish is the reference. Placeholders are
// {name}: {min} and {max} are the configured lengths, {sentence} is noClassRuleFrom.
// `permanente.policy.rules` describes classRule 'each'; `permanente.policy.rules-three` describes 'three'.
import type { PasswordViolation } from './password-policy.js';

type Key = `permanente.policy.${PasswordViolation}` | 'permanente.policy.rules' | 'permanente.policy.rules-three';

// Typed by key so that a new violation code without a message fails to compile.
const es: Readonly<Record<Key, string>> = {
  'permanente.policy.too-short': 'La contraseña debe tener al menos {min} caracteres.',
  'permanente.policy.too-long': 'La contraseña no puede tener más de {max} caracteres.',
  'permanente.policy.invalid-character':
    'La contraseña contiene caracteres no permitidos. Una contraseña corta solo puede contener letras, números y los caracteres especiales admitidos; los caracteres de control no se admiten nunca.',
  'permanente.policy.needs-lower': 'La contraseña debe contener al menos una letra minúscula.',
  'permanente.policy.needs-upper': 'La contraseña debe contener al menos una letra mayúscula.',
  'permanente.policy.needs-digit': 'La contraseña debe contener al menos un número.',
  'permanente.policy.needs-special':
    'La contraseña debe contener al menos uno de estos caracteres especiales: ! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -',
  'permanente.policy.needs-three-classes':
    'La contraseña debe contener caracteres de al menos tres de estos grupos: letras minúsculas, letras mayúsculas, números y caracteres especiales.',
  'permanente.policy.contains-name': 'La contraseña no puede contener su nombre.',
  'permanente.policy.contains-surname': 'La contraseña no puede contener sus apellidos.',
  'permanente.policy.contains-document': 'La contraseña no puede contener el número de su documento de identidad.',
  'permanente.policy.same-as-previous': 'La nueva contraseña no puede ser igual a la anterior.',
  'permanente.policy.rules':
    'La contraseña debe tener al menos {min} caracteres e incluir al menos una letra minúscula, una letra mayúscula, un número y uno de estos caracteres especiales: ! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -. La ñ, la ç y las vocales acentuadas cuentan como letras. A partir de {sentence} caracteres no se exige ningún tipo de carácter y puede usar una frase completa, con espacios. No puede contener su nombre, sus apellidos ni su número de documento, ni ser igual a la contraseña anterior.',
  'permanente.policy.rules-three':
    'La contraseña debe tener al menos {min} caracteres e incluir caracteres de al menos tres de estos grupos: letras minúsculas, letras mayúsculas, números y caracteres especiales (! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -). La ñ, la ç y las vocales acentuadas cuentan como letras. A partir de {sentence} caracteres no se exige ningún tipo de carácter y puede usar una frase completa, con espacios. No puede contener su nombre, sus apellidos ni su número de documento, ni ser igual a la contraseña anterior.',
};

const en: Readonly<Record<Key, string>> = {
  'permanente.policy.too-short': 'The password must be at least {min} characters long.',
  'permanente.policy.too-long': 'The password cannot be longer than {max} characters.',
  'permanente.policy.invalid-character':
    'The password contains characters that are not allowed. A short password may only contain letters, digits and the accepted special characters; control characters are never allowed.',
  'permanente.policy.needs-lower': 'The password must contain at least one lower-case letter.',
  'permanente.policy.needs-upper': 'The password must contain at least one upper-case letter.',
  'permanente.policy.needs-digit': 'The password must contain at least one digit.',
  'permanente.policy.needs-special':
    'The password must contain at least one of these special characters: ! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -',
  'permanente.policy.needs-three-classes':
    'The password must contain characters from at least three of these groups: lower-case letters, upper-case letters, digits and special characters.',
  'permanente.policy.contains-name': 'The password cannot contain your given name.',
  'permanente.policy.contains-surname': 'The password cannot contain your surnames.',
  'permanente.policy.contains-document': 'The password cannot contain your identity document number.',
  'permanente.policy.same-as-previous': 'The new password cannot be the same as the previous one.',
  'permanente.policy.rules':
    'The password must be at least {min} characters long and include at least one lower-case letter, one upper-case letter, one digit and one of these special characters: ! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -. Ñ, Ç and accented vowels count as letters. From {sentence} characters on, no kind of character is required and you may use a whole sentence, with spaces. It cannot contain your given name, your surnames or your document number, nor be the same as your previous password.',
  'permanente.policy.rules-three':
    'The password must be at least {min} characters long and include characters from at least three of these groups: lower-case letters, upper-case letters, digits and special characters (! $ ? % & # @ / \\ ( ) = ¿ ¡ * [ ] ; , : . _ < > + -). Ñ, Ç and accented vowels count as letters. From {sentence} characters on, no kind of character is required and you may use a whole sentence, with spaces. It cannot contain your given name, your surnames or your document number, nor be the same as your previous password.',
};

export const passwordPolicyMessages: {
  readonly es: Readonly<Record<string, string>>;
  readonly en: Readonly<Record<string, string>>;
} = { es, en };
