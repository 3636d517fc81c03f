#!/usr/bin/python3
"""An independent eIDAS proxy-service node for the broker's tests. TEST ONLY: its keys are
generated at start and printed; nothing here is fit for production.

Written on lxml (exclusive c14n) and python3-cryptography, or Debian's xmlsec1 where asked
(engine "xmlsec1"), with no code of the broker's: it is the "other implementation" of issue 6.
Every Response is built at call time from the live AuthnRequest it answers (its ID, ACS URL,
Issuer and requested LoA), signed, optionally encrypted, and then changed by the named
mutations of ../../../../shared/saml-attacks.md (see MUTATIONS below), so each attack starts
from a valid signed message.

Modes (run with /usr/bin/python3):
  node.py worker                   JSON lines on stdin/stdout: {"id", "op", "args"} -> {"id", "ok", "result"|"error"}
                                   ops: keys, response, metadata
  node.py serve --port P --config FILE
                                   HTTP: GET /metadata, POST /sso (HTTP-POST AuthnRequest in, auto-posting
                                   form to our ACS out), POST /control (JSON: response options for the
                                   following logins), GET /last (the last AuthnRequest received, JSON)
Both print one JSON line first: {"ready": true, "keys": {name: {"cert": PEM}}, ...}.
"""
import base64
import copy
import datetime as dt
import hashlib
import hmac
import html
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding as sympadding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils as asym_utils
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
EIDAS = "http://eidas.europa.eu/saml-extensions"
NATURAL = "http://eidas.europa.eu/attributes/naturalperson"
LEGAL = "http://eidas.europa.eu/attributes/legalperson"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
STATUS = "urn:oasis:names:tc:SAML:2.0:status:"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
ELEMENT_TYPE = "http://www.w3.org/2001/04/xmlenc#Element"
ENCRYPTED_KEY_TYPE = "http://www.w3.org/2001/04/xmlenc#EncryptedKey"

SIGNATURE_ALGORITHMS = {
    "rsa-sha1": ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "rsa", hashes.SHA1),
    "rsa-sha256": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "rsa", hashes.SHA256),
    "rsa-sha512": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "rsa", hashes.SHA512),
    "rsa-pss-sha256": ("http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", "pss", hashes.SHA256),
    "rsa-pss-sha512": ("http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1", "pss", hashes.SHA512),
    "ecdsa-sha256": ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "ecdsa", hashes.SHA256),
    "ecdsa-sha384": ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "ecdsa", hashes.SHA384),
    "hmac-sha1": ("http://www.w3.org/2000/09/xmldsig#hmac-sha1", "hmac", hashes.SHA1),
}
SIGNATURE_BY_URI = {v[0]: v for v in SIGNATURE_ALGORITHMS.values()}
DIGESTS = {
    "sha1": ("http://www.w3.org/2000/09/xmldsig#sha1", "sha1"),
    "sha256": ("http://www.w3.org/2001/04/xmlenc#sha256", "sha256"),
    "sha384": ("http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384"),
    "sha512": ("http://www.w3.org/2001/04/xmlenc#sha512", "sha512"),
}
DIGEST_BY_URI = {v[0]: v[1] for v in DIGESTS.values()}
HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
CONTENT = {
    "aes128-gcm": ("http://www.w3.org/2009/xmlenc11#aes128-gcm", 16, "gcm"),
    "aes192-gcm": ("http://www.w3.org/2009/xmlenc11#aes192-gcm", 24, "gcm"),
    "aes256-gcm": ("http://www.w3.org/2009/xmlenc11#aes256-gcm", 32, "gcm"),
    "aes128-cbc": ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", 16, "cbc"),
    "aes256-cbc": ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", 32, "cbc"),
    "tripledes-cbc": ("http://www.w3.org/2001/04/xmlenc#tripledes-cbc", 24, "3des"),
}
KEY_TRANSPORT = {
    "rsa-oaep-mgf1p": "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    "rsa-oaep": "http://www.w3.org/2009/xmlenc11#rsa-oaep",
    "rsa-1_5": "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
}
MGF_URI = "http://www.w3.org/2009/xmlenc11#mgf1"
LOA_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"

# A citizen of the test country: a non-Latin family name with its transliteration (eIDAS
# LatinScript="false" then the Latin value), and a date of birth.
DEFAULT_CITIZEN = {
    "personIdentifier": "DE/ES/7f1c9a20-TEST",
    "familyName": [{"value": "Σωκράτους", "latinScript": False}, {"value": "Sokratous"}],
    "firstName": [{"value": "Erika"}],
    "dateOfBirth": "1980-05-17",
}
DEFAULT_LEGAL = {"legalPersonIdentifier": "DE/ES/HRB-123456-TEST", "legalName": "Musterfirma TEST GmbH"}


def q(ns, name):
    return "{%s}%s" % (ns, name)


def sub(parent, ns, name, attrs=None, text=None, nsmap=None):
    el = etree.SubElement(parent, q(ns, name), nsmap=nsmap)
    for k, v in (attrs or {}).items():
        if v is not None:
            el.set(k, v)
    if text is not None:
        el.text = text
    return el


def new_id():
    return "_" + secrets.token_hex(16)


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def b64(data):
    return base64.b64encode(data).decode("ascii")


def c14n(el):
    return etree.tostring(el, method="c14n", exclusive=True, with_comments=False)


# --- keys -------------------------------------------------------------------------------------

class Key:
    def __init__(self, name, private, cert):
        self.name = name
        self.private = private
        self.cert = cert

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def cert_b64(self):
        return b64(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def key_pem(self):
        return self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode("ascii")


def make_key(name, kind, not_before, not_after):
    if kind.startswith("rsa"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    else:
        private = ec.generate_private_key(ec.SECP256R1() if kind == "ec256" else ec.SECP384R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST eIDAS node %s" % name), x509.NameAttribute(NameOID.COUNTRY_NAME, "DE")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(private, hashes.SHA256())
    )
    return Key(name, private, cert)


def generate_keys():
    now = dt.datetime.now(dt.timezone.utc)
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=365)
    specs = {
        # the node's signing keys, one per algorithm family (RSA >= 3072 for PSS, eIDAS crypto spec)
        "rsa": ("rsa3072", start, end),
        "ec256": ("ec256", start, end),
        "ec384": ("ec384", start, end),
        # its metadata-signing key, separate as eIDAS asks
        "metadata": ("rsa3072", start, end),
        # an attacker's key (never in the node's metadata) and an expired key of the node
        "attacker": ("rsa2048", start, end),
        "expired": ("rsa2048", now - dt.timedelta(days=400), now - dt.timedelta(days=35)),
    }
    return {name: make_key(name, kind, nb, na) for name, (kind, nb, na) in specs.items()}


# --- signatures -------------------------------------------------------------------------------

def sign_bytes(key, alg, data):
    uri, kind, h = SIGNATURE_ALGORITHMS[alg]
    if kind == "rsa":
        return key.private.sign(data, padding.PKCS1v15(), h())
    if kind == "pss":
        return key.private.sign(data, padding.PSS(mgf=padding.MGF1(h()), salt_length=h.digest_size), h())
    if kind == "ecdsa":
        der = key.private.sign(data, ec.ECDSA(h()))
        r, s = asym_utils.decode_dss_signature(der)
        size = (key.private.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    raise ValueError(alg)


def find_by_id(root, value):
    for el in root.iter():
        if isinstance(el.tag, str) and value in (el.get("ID"), el.get("Id"), el.get("id")):
            return el
    raise ValueError("no element with ID %s" % value)


def own_signature(el):
    for child in el:
        if child.tag == q(DS, "Signature"):
            return child
    return None


def digest_of(el, digest):
    """Digest of `el` under enveloped-signature + exc-c14n: its own ds:Signature left out."""
    sig = own_signature(el)
    if sig is None:
        return hashlib.new(DIGESTS[digest][1], c14n(el)).digest()
    parent_index = list(el).index(sig)
    el.remove(sig)
    try:
        return hashlib.new(DIGESTS[digest][1], c14n(el)).digest()
    finally:
        el.insert(parent_index, sig)


def sign_element(el, key, alg="rsa-sha256", digest="sha256", *, reference=None, transforms=None, extra_reference=False,
                 keyinfo_cert=True, hmac_key=None, position=1):
    """Enveloped signature of `el` as the eIDAS nodes write it: exc-c14n, enveloped + exc-c14n
    transforms, one Reference to #ID, the signing certificate in KeyInfo. The keyword arguments
    exist for the attack catalogue (other reference, other transforms, HMAC, a second Reference)."""
    old = own_signature(el)
    if old is not None:
        el.remove(old)
    root = el.getroottree().getroot()
    ref_uri = "#" + el.get("ID") if reference is None else reference
    target = find_by_id(root, ref_uri[1:]) if ref_uri.startswith("#") and len(ref_uri) > 1 else el
    sig = etree.Element(q(DS, "Signature"), nsmap={"ds": DS})
    el.insert(position, sig)
    signed_info = sub(sig, DS, "SignedInfo")
    sub(signed_info, DS, "CanonicalizationMethod", {"Algorithm": EXC_C14N})
    sub(signed_info, DS, "SignatureMethod", {"Algorithm": SIGNATURE_ALGORITHMS[alg][0]})

    def add_reference(uri, of):
        ref = sub(signed_info, DS, "Reference", {"URI": uri})
        tr = sub(ref, DS, "Transforms")
        for t in transforms or [ENVELOPED, EXC_C14N]:
            sub(tr, DS, "Transform", {"Algorithm": t})
        sub(ref, DS, "DigestMethod", {"Algorithm": DIGESTS[digest][0]})
        sub(ref, DS, "DigestValue", text=b64(digest_of(of, digest)))

    add_reference(ref_uri, target)
    if extra_reference:
        # a second Reference, to the Assertion when there is one (else the element again)
        other = el.find(q(SAML, "Assertion"))
        other = other if other is not None else el
        add_reference("#" + other.get("ID"), other)
    value = sub(sig, DS, "SignatureValue")
    if keyinfo_cert:
        sub(sub(sub(sig, DS, "KeyInfo"), DS, "X509Data"), DS, "X509Certificate", text=key.cert_b64)
    data = c14n(signed_info)
    if alg == "hmac-sha1":
        value.text = b64(hmac.new(hmac_key, data, hashlib.sha1).digest())
    else:
        value.text = b64(sign_bytes(key, alg, data))
    return sig


def verify_enveloped(root, certs):
    """Our AuthnRequest's signature, checked independently: one ds:Signature child of the root,
    one Reference to #ID with enveloped + exc-c14n, the digest and the value against `certs`."""
    sigs = root.findall(".//" + q(DS, "Signature"))
    if len(sigs) != 1 or sigs[0].getparent() is not root:
        raise ValueError("expected one ds:Signature child of the root")
    sig = sigs[0]
    signed_info = sig.find(q(DS, "SignedInfo"))
    if signed_info.find(q(DS, "CanonicalizationMethod")).get("Algorithm") != EXC_C14N:
        raise ValueError("canonicalization")
    refs = signed_info.findall(q(DS, "Reference"))
    if len(refs) != 1 or refs[0].get("URI") != "#" + (root.get("ID") or ""):
        raise ValueError("reference")
    transforms = [t.get("Algorithm") for t in refs[0].iter(q(DS, "Transform"))]
    if transforms not in ([ENVELOPED], [ENVELOPED, EXC_C14N]):
        raise ValueError("transforms %s" % transforms)
    digest = DIGEST_BY_URI[refs[0].find(q(DS, "DigestMethod")).get("Algorithm")]
    if digest == "sha1":
        raise ValueError("sha1 digest")
    index = list(root).index(sig)
    root.remove(sig)
    actual = hashlib.new(digest, c14n(root)).digest()
    root.insert(index, sig)
    if not hmac.compare_digest(actual, base64.b64decode(refs[0].find(q(DS, "DigestValue")).text)):
        raise ValueError("digest mismatch")
    uri, kind, h = SIGNATURE_BY_URI[signed_info.find(q(DS, "SignatureMethod")).get("Algorithm")]
    if kind in ("hmac",) or h is hashes.SHA1:
        raise ValueError("signature algorithm %s" % uri)
    value = base64.b64decode("".join(sig.find(q(DS, "SignatureValue")).text.split()))
    data = c14n(signed_info)
    for pem in certs:
        public = x509.load_pem_x509_certificate(pem.encode("ascii")).public_key()
        try:
            if kind == "rsa":
                public.verify(value, data, padding.PKCS1v15(), h())
            elif kind == "pss":
                public.verify(value, data, padding.PSS(mgf=padding.MGF1(h()), salt_length=h.digest_size), h())
            else:
                half = len(value) // 2
                der = asym_utils.encode_dss_signature(int.from_bytes(value[:half], "big"), int.from_bytes(value[half:], "big"))
                public.verify(der, data, ec.ECDSA(h()))
            return
        except Exception:
            continue
    raise ValueError("signature does not verify")


# --- encryption -------------------------------------------------------------------------------

def content_encrypt(alg, key, plaintext):
    _, size, mode = CONTENT[alg]
    if mode == "gcm":
        iv = os.urandom(12)
        return iv + AESGCM(key).encrypt(iv, plaintext, None)
    block = 8 if mode == "3des" else 16
    # XML Encryption §5.2: random padding bytes, the last one the pad length
    pad = block - len(plaintext) % block
    padded = plaintext + os.urandom(pad - 1) + bytes([pad])
    iv = os.urandom(block)
    cipher = Cipher(algorithms.TripleDES(key) if mode == "3des" else algorithms.AES(key), modes.CBC(iv))
    enc = cipher.encryptor()
    return iv + enc.update(padded) + enc.finalize()


def key_transport(public, transport, oaep_digest, mgf, session_key):
    if transport == "rsa-1_5":
        return public.encrypt(session_key, padding.PKCS1v15())
    return public.encrypt(session_key, padding.OAEP(mgf=padding.MGF1(HASHES[mgf]()), algorithm=HASHES[oaep_digest](), label=None))


def encrypted_key_element(parent, recipient_pem, transport, oaep_digest, mgf, session_key, *, write_digest=True, write_mgf=True,
                          mgf_uri=None, attacker_mgf_value=None):
    public = x509.load_pem_x509_certificate(recipient_pem.encode("ascii")).public_key()
    ek = sub(parent, XENC, "EncryptedKey", {"Id": new_id()}, nsmap={"xenc": XENC})
    method = sub(ek, XENC, "EncryptionMethod", {"Algorithm": KEY_TRANSPORT[transport]})
    if transport != "rsa-1_5":
        if write_digest:
            sub(method, DS, "DigestMethod", {"Algorithm": DIGESTS[oaep_digest][0]}, nsmap={"ds": DS})
        if transport == "rsa-oaep" and write_mgf:
            sub(method, XENC11, "MGF", {"Algorithm": mgf_uri or (MGF_URI + mgf)}, nsmap={"xenc11": XENC11})
    sub(sub(sub(ek, DS, "KeyInfo", nsmap={"ds": DS}), DS, "X509Data"), DS, "X509Certificate",
        text=b64(x509.load_pem_x509_certificate(recipient_pem.encode("ascii")).public_bytes(serialization.Encoding.DER)))
    cipher = key_transport(public, transport, oaep_digest, mgf, session_key)
    sub(sub(ek, XENC, "CipherData"), XENC, "CipherValue", text=b64(cipher))
    return ek


def encrypt_assertion(assertion, recipient_pem, opts):
    """Replace `assertion` by a saml:EncryptedAssertion (Type Element, the assertion as serialized
    with its own namespace declarations), the session key RSA-encrypted to `recipient_pem`."""
    content = opts.get("content", "aes256-gcm")
    transport = opts.get("keyTransport", "rsa-oaep-mgf1p")
    oaep_digest = opts.get("oaepDigest", "sha1" if transport == "rsa-oaep-mgf1p" else "sha256")
    # rsa-oaep-mgf1p fixes MGF1 with SHA-1 whatever the digest; xmlenc11 rsa-oaep names its MGF
    mgf = "sha1" if transport == "rsa-oaep-mgf1p" else opts.get("mgf", "sha256")
    session_key = os.urandom(CONTENT[content][1])
    plaintext = (opts.get("plaintextPrefix", "") .encode("utf-8")) + etree.tostring(assertion, encoding="UTF-8", xml_declaration=False)
    parent = assertion.getparent()
    index = list(parent).index(assertion)
    parent.remove(assertion)
    encrypted = etree.Element(q(SAML, "EncryptedAssertion"), nsmap={"saml": SAML})
    parent.insert(index, encrypted)
    data = sub(encrypted, XENC, "EncryptedData", {"Id": new_id(), "Type": ELEMENT_TYPE}, nsmap={"xenc": XENC})
    sub(data, XENC, "EncryptionMethod", {"Algorithm": CONTENT[content][0]})
    key_info = sub(data, DS, "KeyInfo", nsmap={"ds": DS})
    kwargs = dict(write_digest=opts.get("writeOaepDigest", True), write_mgf=opts.get("writeMgf", True), mgf_uri=opts.get("mgfUri"))
    if opts.get("keyPlacement", "inline") == "inline":
        encrypted_key_element(key_info, recipient_pem, transport, oaep_digest, mgf, session_key, **kwargs)
    else:
        ek = encrypted_key_element(encrypted, recipient_pem, transport, oaep_digest, mgf, session_key, **kwargs)
        sub(key_info, DS, "RetrievalMethod", {"Type": ENCRYPTED_KEY_TYPE, "URI": "#" + ek.get("Id")})
        sub(sub(ek, XENC, "ReferenceList"), XENC, "DataReference", {"URI": "#" + data.get("Id")})
    sub(sub(data, XENC, "CipherData"), XENC, "CipherValue", text=b64(content_encrypt(content, session_key, plaintext)))
    return encrypted


# --- xmlsec1 (Debian libxmlsec1 1.2.37): the second independent signer and encryptor -----------

ID_ATTRS = ["--id-attr:ID", SAMLP + ":Response", "--id-attr:ID", SAML + ":Assertion"]
XMLSEC_SIGNATURE = {"rsa-sha256", "rsa-sha512", "ecdsa-sha256", "ecdsa-sha384"}


def xmlsec1(args, workdir):
    r = subprocess.run(["xmlsec1"] + args, cwd=workdir, capture_output=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError("xmlsec1 %s: %s" % (args[0], r.stderr.decode("utf-8", "replace")[-800:]))
    return r.stdout


def xmlsec1_sign(el, key, alg, digest):
    """A template signature (empty values) after the Issuer, filled in by `xmlsec1 --sign`; the
    document's first template is the one signed, so sign inner elements first."""
    if alg not in XMLSEC_SIGNATURE:
        raise ValueError("xmlsec1 1.2.37 does not sign %s" % alg)
    sig = etree.Element(q(DS, "Signature"), nsmap={"ds": DS})
    el.insert(1, sig)
    si = sub(sig, DS, "SignedInfo")
    sub(si, DS, "CanonicalizationMethod", {"Algorithm": EXC_C14N})
    sub(si, DS, "SignatureMethod", {"Algorithm": SIGNATURE_ALGORITHMS[alg][0]})
    ref = sub(si, DS, "Reference", {"URI": "#" + el.get("ID")})
    tr = sub(ref, DS, "Transforms")
    sub(tr, DS, "Transform", {"Algorithm": ENVELOPED})
    sub(tr, DS, "Transform", {"Algorithm": EXC_C14N})
    sub(ref, DS, "DigestMethod", {"Algorithm": DIGESTS[digest][0]})
    sub(ref, DS, "DigestValue")
    sub(sig, DS, "SignatureValue")
    sub(sub(sig, DS, "KeyInfo"), DS, "X509Data")
    root = el.getroottree().getroot()
    with tempfile.TemporaryDirectory(prefix="eidas-node-") as d:
        with open(os.path.join(d, "key.pem"), "w") as f:
            f.write(key.key_pem)
        with open(os.path.join(d, "cert.pem"), "w") as f:
            f.write(key.cert_pem)
        with open(os.path.join(d, "in.xml"), "wb") as f:
            f.write(etree.tostring(root))
        xmlsec1(["--sign", "--privkey-pem", "key.pem,cert.pem", *ID_ATTRS, "--output", "out.xml", "in.xml"], d)
        with open(os.path.join(d, "out.xml"), "rb") as f:
            signed = etree.fromstring(f.read())
    return signed


def xmlsec1_encrypt(root, assertion_id, recipient_pem, content):
    """Encrypt the Assertion with `xmlsec1 --encrypt` (AES-GCM session key, rsa-oaep-mgf1p)."""
    if content not in ("aes128-gcm", "aes256-gcm"):
        raise ValueError("xmlsec1 path encrypts AES-GCM only")
    assertion = find_by_id(root, assertion_id)
    parent = assertion.getparent()
    index = list(parent).index(assertion)
    template = etree.Element(q(XENC, "EncryptedData"), nsmap={"xenc": XENC, "ds": DS})
    template.set("Type", ELEMENT_TYPE)
    sub(template, XENC, "EncryptionMethod", {"Algorithm": CONTENT[content][0]})
    ek = sub(sub(template, DS, "KeyInfo"), XENC, "EncryptedKey")
    sub(ek, XENC, "EncryptionMethod", {"Algorithm": KEY_TRANSPORT["rsa-oaep-mgf1p"]})
    sub(sub(ek, XENC, "CipherData"), XENC, "CipherValue")
    sub(sub(template, XENC, "CipherData"), XENC, "CipherValue")
    # xmlsec1 encrypts the node as serialized in place: the wrapper is written as text so that
    # the Assertion keeps its own namespace declarations and its plaintext stands alone
    wrapper = b"<wrapper>" + etree.tostring(assertion) + b"</wrapper>"
    with tempfile.TemporaryDirectory(prefix="eidas-node-") as d:
        with open(os.path.join(d, "cert.pem"), "w") as f:
            f.write(recipient_pem)
        with open(os.path.join(d, "tmpl.xml"), "wb") as f:
            f.write(etree.tostring(template))
        with open(os.path.join(d, "data.xml"), "wb") as f:
            f.write(wrapper)
        bits = CONTENT[content][1] * 8
        xmlsec1(["--encrypt", "--pubkey-cert-pem", "cert.pem", "--session-key", "aes-%d" % bits, "--xml-data", "data.xml",
                 "--node-xpath", "/*/*", "--output", "out.xml", "tmpl.xml"], d)
        with open(os.path.join(d, "out.xml"), "rb") as f:
            encrypted_data = etree.fromstring(f.read())[0]
    encrypted = etree.Element(q(SAML, "EncryptedAssertion"), nsmap={"saml": SAML})
    encrypted.append(encrypted_data)
    parent.remove(assertion)
    parent.insert(index, encrypted)
    return encrypted


# --- the AuthnRequest we answer -----------------------------------------------------------------

def read_authn_request(xml):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, parser)
    if root.tag != q(SAMLP, "AuthnRequest"):
        raise ValueError("not an AuthnRequest")
    issuer = root.find(q(SAML, "Issuer"))
    refs = root.findall(".//" + q(SAML, "AuthnContextClassRef"))
    return {
        "root": root,
        "id": root.get("ID"),
        "acs": root.get("AssertionConsumerServiceURL"),
        "issuer": issuer.text.strip() if issuer is not None and issuer.text else None,
        "loa": refs[0].text.strip() if refs else LOA_SUBSTANTIAL,
        "requested": [r.get("Name") for r in root.iter(q(EIDAS, "RequestedAttribute"))],
    }


# --- the Response -------------------------------------------------------------------------------

def when(opts, name, now, default_seconds):
    """A time option: an ISO string, a number of seconds relative to now, or null (left out)."""
    if name in opts:
        v = opts[name]
        if v is None:
            return None
        if isinstance(v, (int, float)):
            return iso(now + dt.timedelta(seconds=v))
        return v
    return iso(now + dt.timedelta(seconds=default_seconds))


def opt(opts, name, default):
    return opts[name] if name in opts else default


def add_attribute(statement, ns, name, friendly, values, xsi_type):
    attr = sub(statement, SAML, "Attribute", {"FriendlyName": friendly, "Name": "%s/%s" % (ns, name), "NameFormat": URI_FORMAT})
    for v in values:
        if isinstance(v, str):
            v = {"value": v}
        av = sub(attr, SAML, "AttributeValue", {q(XSI, "type"): xsi_type})
        if v.get("latinScript") is False:
            av.set("LatinScript", "false")
        av.text = v["value"]
    return attr


def build_assertion(parent, req, node, opts, now):
    loa = opts.get("loa", req["loa"])
    assertion = sub(parent, SAML, "Assertion", {"ID": new_id(), "Version": "2.0", "IssueInstant": when(opts, "assertionIssueInstant", now, 0)},
                    nsmap={"saml": SAML, "xsi": XSI, "xs": XS, "eidas-natural": NATURAL, "eidas-legal": LEGAL})
    assertion_issuer = opt(opts, "assertionIssuer", opt(opts, "issuer", node["entityID"]))
    if assertion_issuer is not None:
        sub(assertion, SAML, "Issuer", {"Format": ENTITY}, text=assertion_issuer)
    subject = sub(assertion, SAML, "Subject")
    citizen = {**DEFAULT_CITIZEN, **opts.get("citizen", {})}
    sub(subject, SAML, "NameID", {"Format": PERSISTENT, "NameQualifier": node["entityID"]}, text=opts.get("nameID", citizen["personIdentifier"]))
    confirmation = sub(subject, SAML, "SubjectConfirmation", {"Method": opt(opts, "subjectConfirmationMethod", BEARER)})
    sub(confirmation, SAML, "SubjectConfirmationData", {
        "InResponseTo": opt(opts, "subjectInResponseTo", opt(opts, "inResponseTo", req["id"])),
        "NotOnOrAfter": when(opts, "subjectNotOnOrAfter", now, 300),
        "Recipient": opt(opts, "recipient", opt(opts, "acsUrl", req["acs"])),
    })
    conditions = sub(assertion, SAML, "Conditions", {"NotBefore": when(opts, "notBefore", now, 0), "NotOnOrAfter": when(opts, "notOnOrAfter", now, 300)})
    audience = opt(opts, "audience", req["issuer"])
    if audience is not None:
        sub(sub(conditions, SAML, "AudienceRestriction"), SAML, "Audience", text=audience)
    authn = sub(assertion, SAML, "AuthnStatement", {"AuthnInstant": when(opts, "authnInstant", now, -5), "SessionIndex": new_id()})
    sub(sub(authn, SAML, "AuthnContext"), SAML, "AuthnContextClassRef", text=loa)
    statement = sub(assertion, SAML, "AttributeStatement")
    add_attribute(statement, NATURAL, "PersonIdentifier", "PersonIdentifier", [citizen["personIdentifier"]], "eidas-natural:PersonIdentifierType")
    add_attribute(statement, NATURAL, "CurrentFamilyName", "FamilyName", citizen["familyName"], "eidas-natural:CurrentFamilyNameType")
    add_attribute(statement, NATURAL, "CurrentGivenName", "FirstName", citizen["firstName"], "eidas-natural:CurrentGivenNameType")
    add_attribute(statement, NATURAL, "DateOfBirth", "DateOfBirth", [citizen["dateOfBirth"]], "eidas-natural:DateOfBirthType")
    legal = opts.get("legalPerson")
    if legal:
        legal = {**DEFAULT_LEGAL, **(legal if isinstance(legal, dict) else {})}
        add_attribute(statement, LEGAL, "LegalPersonIdentifier", "LegalPersonIdentifier", [legal["legalPersonIdentifier"]], "eidas-legal:LegalPersonIdentifierType")
        add_attribute(statement, LEGAL, "LegalName", "LegalName", [legal["legalName"]], "eidas-legal:LegalNameType")
    for extra in opts.get("extraAttributes", []):
        attr = sub(statement, SAML, "Attribute", {"FriendlyName": extra["friendlyName"], "Name": extra["name"], "NameFormat": URI_FORMAT})
        for v in extra["values"]:
            sub(attr, SAML, "AttributeValue", {q(XSI, "type"): "xs:string"}, text=v)
    return assertion


def build_response(req, node, opts, now):
    status = opts.get("status", "Success")
    response = etree.Element(q(SAMLP, "Response"), nsmap={"samlp": SAMLP, "saml": SAML})
    for k, v in (("ID", new_id()), ("Version", "2.0"), ("IssueInstant", when(opts, "issueInstant", now, 0)),
                 ("Destination", opt(opts, "destination", opt(opts, "acsUrl", req["acs"]))), ("InResponseTo", opt(opts, "inResponseTo", req["id"]))):
        if v is not None:
            response.set(k, v)
    issuer = opt(opts, "issuer", node["entityID"])
    if issuer is not None:
        sub(response, SAML, "Issuer", {"Format": ENTITY}, text=issuer)
    status_el = sub(response, SAMLP, "Status")
    code = sub(status_el, SAMLP, "StatusCode", {"Value": STATUS + ("Success" if status == "Success" else "Responder")})
    if status != "Success":
        sub(code, SAMLP, "StatusCode", {"Value": STATUS + status})
        if opts.get("statusMessage"):
            sub(status_el, SAMLP, "StatusMessage", text=opts["statusMessage"])
    with_assertion = status == "Success" or "status-failure-with-assertion" in opts.get("mutations", [])
    assertion = build_assertion(response, req, node, opts, now) if with_assertion else None
    return response, assertion


# Mutations applied to the assertion before it is signed (so that its signature stays valid).
def pre_sign(assertion, names):
    for name in names:
        if name == "key-injection":
            # the content is edited, then signed by the attacker's key (its certificate in KeyInfo)
            edit_assertion(assertion)
        elif name == "nameid-comment":
            # saml-attacks.md "NameID comment": the signed value is the whole string
            name_id = assertion.find(".//" + q(SAML, "NameID"))
            name_id.text = "admin@example.org"
            name_id.append(etree.Comment(""))
            name_id[-1].tail = ".evil.test"
        elif name == "advice-assertion":
            inner = copy.deepcopy(assertion)
            inner.set("ID", new_id())
            inner.find(".//" + q(SAML, "NameID")).text = "DE/ES/ADVICE-EVIL"
            conditions = assertion.find(q(SAML, "Conditions"))
            advice = etree.Element(q(SAML, "Advice"))
            conditions.addnext(advice)
            advice.append(inner)
        elif name == "namespaces":
            # an inner redeclaration of the saml prefix: the NameID keeps its prefix but is no
            # longer a SAML NameID; a prefix-reading consumer would still take it
            name_id = assertion.find(".//" + q(SAML, "NameID"))
            evil = etree.Element("{urn:evil:ns}NameID", nsmap={"saml": "urn:evil:ns"})
            evil.text = "DE/ES/NAMESPACE-EVIL"
            name_id.addprevious(evil)
            name_id.getparent().remove(name_id)


def edit_assertion(assertion, value="DE/ES/ATTACKER"):
    name_id = assertion.find(".//" + q(SAML, "NameID"))
    if name_id is not None:
        name_id.text = value
    for av in assertion.iter(q(SAML, "AttributeValue")):
        if av.getparent().get("FriendlyName") == "PersonIdentifier":
            av.text = value


def strip_signature(el):
    sig = own_signature(el)
    if sig is not None:
        el.remove(sig)
    return el


def extensions_of(response):
    ext = response.find(q(SAMLP, "Extensions"))
    if ext is None:
        ext = etree.Element(q(SAMLP, "Extensions"))
        anchor = own_signature(response)
        (anchor if anchor is not None else response.find(q(SAML, "Issuer"))).addnext(ext)
    return ext


def top_assertion(response):
    return response.find(q(SAML, "Assertion"))


def mutate(response, name, ctx):
    """The post-signing mutations of saml-attacks.md; returns the (possibly new) root."""
    a = top_assertion(response)
    if name == "xsw1" or name == "xsw2" or name == "xsw9":
        clone = strip_signature(copy.deepcopy(response))
        response.set("ID", new_id())
        edit_assertion(top_assertion(response))
        sig = own_signature(response)
        if name == "xsw1":
            sig.append(clone)
        elif name == "xsw2":
            sig.addprevious(clone)
        else:
            extensions_of(response).append(clone)
    elif name == "xsw3" or name == "xsw4":
        evil = strip_signature(copy.deepcopy(a))
        evil.set("ID", new_id())
        edit_assertion(evil)
        if name == "xsw3":
            a.addprevious(evil)
        else:
            response.append(evil)
            response.remove(a)
            evil.append(a)
    elif name in ("xsw5", "xsw6", "xsw8"):
        original = strip_signature(copy.deepcopy(a))
        if name != "xsw8":
            a.set("ID", new_id())
        edit_assertion(a)
        if name == "xsw5":
            response.append(original)
        elif name == "xsw6":
            own_signature(a).append(original)
        else:
            sub(own_signature(a), DS, "Object").append(original)
    elif name == "xsw7":
        evil = strip_signature(copy.deepcopy(a))
        edit_assertion(evil)
        extensions_of(response).append(evil)
    elif name == "xsw10":
        strip_signature(response)
        sig = own_signature(a)
        original = strip_signature(copy.deepcopy(a))
        a.remove(sig)
        response.find(q(SAML, "Issuer")).addnext(sig)
        sub(sig, DS, "Object").append(original)
        a.set("ID", new_id())
        edit_assertion(a)
    elif name == "hidden":
        forged = copy.deepcopy(a)
        edit_assertion(forged)
        response.remove(a)
        extensions_of(response).append(a)
        response.append(forged)
    elif name == "extra-assertion":
        extra = strip_signature(copy.deepcopy(a))
        extra.set("ID", new_id())
        edit_assertion(extra)
        response.append(extra)
    elif name == "extra-encrypted-assertion":
        # a plain, unsigned, edited Assertion beside the EncryptedAssertion
        plain = strip_signature(copy.deepcopy(ctx["plain_assertion"]))
        plain.set("ID", new_id())
        edit_assertion(plain)
        response.append(plain)
    elif name.startswith("duplicate-"):
        # an element holding the signed element's ID in ID / Id / id
        attr = {"duplicate-ID": "ID", "duplicate-Id": "Id", "duplicate-id": "id"}[name]
        signed = a if a is not None and own_signature(a) is not None else response
        evil = etree.SubElement(extensions_of(response), q(SAML, "Issuer"))
        evil.set(attr, signed.get("ID"))
        evil.text = "duplicate"
    elif name == "strip":
        for sig in list(response.iter(q(DS, "Signature"))):
            sig.getparent().remove(sig)
    elif name == "digest-comment":
        dv = next(response.iter(q(DS, "DigestValue")))
        text = dv.text
        dv.text = text[:8]
        dv.append(etree.Comment(""))
        dv[-1].tail = text[8:]
    elif name == "stray-digest":
        sig = next(response.iter(q(DS, "Signature")))
        # beside SignatureValue, where no ds:Object is involved
        sig.append(etree.Element(q(DS, "DigestValue")))
        sig[-1].text = b64(os.urandom(32))
    elif name == "object":
        sig = next(response.iter(q(DS, "Signature")))
        sub(sub(sig, DS, "Object"), SAML, "Issuer", text="object")
    elif name in ("gcm-tag-truncated", "gcm-tag-flipped", "gcm-tag-removed", "corrupt-ciphertext", "corrupt-key"):
        data = response.find(".//" + q(XENC, "EncryptedData"))
        if name == "corrupt-key":
            cv = response.find(".//" + q(XENC, "EncryptedKey")).find(q(XENC, "CipherData")).find(q(XENC, "CipherValue"))
        else:
            cv = data.find(q(XENC, "CipherData")).find(q(XENC, "CipherValue"))
        raw = bytearray(base64.b64decode(cv.text))
        if name == "gcm-tag-truncated":
            raw = raw[:-4]
        elif name == "gcm-tag-flipped":
            raw[-1] ^= 0x01
        elif name == "gcm-tag-removed":
            raw = raw[:-16]
        elif name == "corrupt-ciphertext":
            raw[20] ^= 0x80
        else:
            raw[len(raw) // 2] ^= 0x01
        cv.text = b64(bytes(raw))
    elif name == "two-encrypted-keys":
        ek = response.find(".//" + q(XENC, "EncryptedKey"))
        twin = copy.deepcopy(ek)
        twin.set("Id", new_id())
        ek.addnext(twin)
    elif name == "retrieval-method-external":
        key_info = response.find(".//" + q(XENC, "EncryptedData")).find(q(DS, "KeyInfo"))
        for child in list(key_info):
            key_info.remove(child)
        sub(key_info, DS, "RetrievalMethod", {"Type": ENCRYPTED_KEY_TYPE, "URI": "http://attacker.test/key.xml"})
    elif name in ("schema-unknown-element",):
        etree.SubElement(response, q(SAMLP, "Unknown")).text = "x"
    elif name == "schema-wrong-order":
        status = response.find(q(SAMLP, "Status"))
        response.remove(status)
        response.append(status)
    elif name == "schema-missing-id":
        del response.attrib["ID"]
    else:
        raise ValueError("unknown mutation %s" % name)
    return response


# Mutations of the serialized text (after everything else).
def mutate_text(xml, names):
    for name in names:
        if name == "billion-laughs":
            decl = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + "".join(
                '<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(8)) + "]>"
            xml = decl + xml.replace("DE/ES/", "&i;DE/ES/", 1)
        elif name == "xxe":
            xml = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml.replace("DE/ES/", "&x;DE/ES/", 1)
        elif name == "second-root":
            xml = xml + "<samlp:Response xmlns:samlp=\"%s\"/>" % SAMLP
        elif name == "text-after-root":
            xml = xml + "trailing"
    return xml


PRE_SIGN = {"nameid-comment", "advice-assertion", "namespaces", "key-injection"}
TEXT = {"billion-laughs", "xxe", "second-root", "text-after-root"}
# re-signing variants: the signature is made again with other parameters
RESIGN = {
    "reference-other", "reference-empty", "reference-external", "two-refs", "transforms-three", "transforms-xslt",
    "transforms-xpath", "transforms-no-enveloped", "key-injection", "hmac", "rsa-sha1", "sha1-digest", "untrusted-signer",
    "expired-signer",
}
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"


def signature_params(names, node_keys, key, alg, digest):
    """(key, alg, digest, extra kwargs) for the signature, after the re-signing mutations."""
    kw = {}
    for name in names:
        if name == "reference-empty":
            kw["reference"] = ""
        elif name == "reference-external":
            kw["reference"] = "http://attacker.test/assertion.xml"
        elif name == "two-refs":
            kw["extra_reference"] = True
        elif name == "transforms-three":
            kw["transforms"] = [ENVELOPED, EXC_C14N, EXC_C14N]
        elif name == "transforms-xslt":
            kw["transforms"] = [ENVELOPED, XSLT]
        elif name == "transforms-xpath":
            kw["transforms"] = [ENVELOPED, XPATH]
        elif name == "transforms-no-enveloped":
            kw["transforms"] = [EXC_C14N]
        elif name in ("key-injection", "untrusted-signer"):
            key = node_keys["attacker"]
            alg = "rsa-sha256"
        elif name == "expired-signer":
            key = node_keys["expired"]
            alg = "rsa-sha256"
        elif name == "hmac":
            alg = "hmac-sha1"
            kw["hmac_key"] = node_keys["rsa"].cert_pem.encode("ascii")
        elif name == "rsa-sha1":
            alg = "rsa-sha1"
        elif name == "sha1-digest":
            digest = "sha1"
    return key, alg, digest, kw


def key_for(node_keys, alg, requested):
    if requested:
        return node_keys[requested]
    if alg.startswith("ecdsa-sha384"):
        return node_keys["ec384"]
    if alg.startswith("ecdsa"):
        return node_keys["ec256"]
    return node_keys["rsa"]


def make_response(node_keys, node, args):
    """The Response to args["authnRequestXml"] (see foreign-node.ts for every option)."""
    req = read_authn_request(args["authnRequestXml"])
    opts = {**node.get("defaults", {}), **args}
    if opts.get("acsUrl") is None and req["acs"] is None:
        raise ValueError("the AuthnRequest names no AssertionConsumerServiceURL and no acsUrl was given")
    now = parse_time(opts["now"]) if opts.get("now") else dt.datetime.now(dt.timezone.utc)
    names = list(opts.get("mutations", []))
    engine = opts.get("engine", "lxml")
    response, assertion = build_response(req, node, opts, now)
    assertion_id = assertion.get("ID") if assertion is not None else None
    if assertion is not None:
        pre_sign(assertion, [n for n in names if n in PRE_SIGN])
    alg = opts.get("signatureAlgorithm", "rsa-sha256")
    digest = opts.get("digestAlgorithm", "sha256")
    key = key_for(node_keys, alg, opts.get("signingKey"))
    resign = [n for n in names if n in RESIGN]
    sign_assertion = opts.get("signAssertion", True) and assertion is not None
    sign_response = opts.get("signResponse", True)
    # the re-signing mutations apply to the signature named by "attackTarget" (default: the
    # Response's when it is signed, else the Assertion's)
    target = opts.get("attackTarget", "response" if sign_response else "assertion")
    a_params = signature_params(resign if target == "assertion" else [], node_keys, key, alg, digest)
    r_params = signature_params(resign if target == "response" else [], node_keys, key, alg, digest)
    if "reference-other" in resign:
        (a_params if target == "assertion" else r_params)[3]["reference"] = "#" + (response.get("ID") if target == "assertion" else assertion_id)
    if engine == "xmlsec1":
        if sign_assertion:
            response = xmlsec1_sign(assertion, key, alg, digest)
            assertion = find_by_id(response, assertion_id)
    elif sign_assertion:
        k, al, dg, kw = a_params
        sign_element(assertion, k, al, dg, **kw)
    plain_assertion = copy.deepcopy(assertion) if assertion is not None else None
    encrypt_to = opts.get("encryptTo")
    if encrypt_to and assertion is not None:
        enc = opts.get("encryption", {})
        if engine == "xmlsec1":
            xmlsec1_encrypt(response, assertion_id, encrypt_to, enc.get("content", "aes256-gcm"))
        else:
            encrypt_assertion(assertion, encrypt_to, enc)
    if sign_response:
        if engine == "xmlsec1":
            response = xmlsec1_sign(response, key, alg, digest)
        else:
            k, al, dg, kw = r_params
            sign_element(response, k, al, dg, **kw)
    ctx = {"plain_assertion": plain_assertion}
    for name in names:
        if name in PRE_SIGN or name in RESIGN or name in TEXT or name == "status-failure-with-assertion":
            continue
        response = mutate(response, name, ctx)
    xml = etree.tostring(response, encoding="unicode")
    xml = mutate_text(xml, [n for n in names if n in TEXT])
    return {
        "xml": xml,
        "samlResponse": base64.b64encode(xml.encode("utf-8")).decode("ascii"),
        "responseId": response.get("ID"),
        "assertionId": assertion_id,
        "inResponseTo": req["id"],
        "acsUrl": opts.get("acsUrl") or req["acs"],
    }


# --- metadata -----------------------------------------------------------------------------------

def make_metadata(node_keys, node, args):
    """The node's metadata: IDPSSODescriptor with the HTTP-POST SSO endpoint and its signing
    (one KeyDescriptor per signing key) and encryption certificates, validUntil, enveloped-signed
    by the metadata key."""
    now = dt.datetime.now(dt.timezone.utc)
    valid = args.get("validUntil", iso(now + dt.timedelta(hours=24)))
    root = etree.Element(q(MD, "EntityDescriptor"), nsmap={"md": MD, "ds": DS})
    root.set("ID", new_id())
    root.set("entityID", node["entityID"])
    if valid is not None:
        root.set("validUntil", valid)
    idp = sub(root, MD, "IDPSSODescriptor", {"protocolSupportEnumeration": SAMLP, "WantAuthnRequestsSigned": "true"})
    for name in args.get("signingKeys", ["rsa", "ec256", "ec384"]):
        kd = sub(idp, MD, "KeyDescriptor", {"use": "signing"})
        sub(sub(sub(kd, DS, "KeyInfo"), DS, "X509Data"), DS, "X509Certificate", text=node_keys[name].cert_b64)
    sub(idp, MD, "NameIDFormat", text=PERSISTENT)
    sub(idp, MD, "SingleSignOnService", {"Binding": POST_BINDING, "Location": args.get("ssoUrl", node.get("ssoUrl", node["entityID"] + "/sso"))})
    sign_element(root, node_keys["metadata"], "rsa-sha256", "sha256", position=0)
    return {"xml": etree.tostring(root, encoding="unicode")}


# --- worker mode --------------------------------------------------------------------------------

def keys_json(node_keys):
    return {name: {"cert": k.cert_pem} for name, k in node_keys.items()}


def worker():
    node_keys = generate_keys()
    node = {"entityID": "https://eidas-node.de.test/metadata"}
    print(json.dumps({"ready": True, "keys": keys_json(node_keys)}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        try:
            args = msg.get("args", {})
            if msg["op"] == "response":
                result = make_response(node_keys, {**node, **args.get("node", {})}, args)
            elif msg["op"] == "metadata":
                result = make_metadata(node_keys, {**node, **args.get("node", {})}, args)
            else:
                raise ValueError("unknown op %s" % msg["op"])
            print(json.dumps({"id": msg["id"], "ok": True, "result": result}), flush=True)
        except Exception as err:  # reported to the test, which fails with it
            print(json.dumps({"id": msg["id"], "ok": False, "error": "%s: %s" % (type(err).__name__, err)}), flush=True)


# --- HTTP mode ----------------------------------------------------------------------------------

def our_signing_certs(config):
    """The broker connector's signing certificates: given in the config, or read from its
    metadata (the SPSSODescriptor's signing KeyDescriptors; the test node trusts that URL)."""
    if config.get("spSigningCertificates"):
        return config["spSigningCertificates"]
    with urllib.request.urlopen(config["spMetadataUrl"], timeout=10) as r:
        md = etree.fromstring(r.read(), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    certs = []
    for kd in md.iter(q(MD, "KeyDescriptor")):
        if kd.get("use") in (None, "signing"):
            for c in kd.iter(q(DS, "X509Certificate")):
                body = "".join(c.text.split())
                certs.append("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(body[i:i + 64] for i in range(0, len(body), 64)))
    return certs


def our_encryption_cert(config):
    if config.get("encryptTo") or not config.get("spMetadataUrl"):
        return config.get("encryptTo")
    with urllib.request.urlopen(config["spMetadataUrl"], timeout=10) as r:
        md = etree.fromstring(r.read(), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    for kd in md.iter(q(MD, "KeyDescriptor")):
        if kd.get("use") == "encryption":
            body = "".join(next(kd.iter(q(DS, "X509Certificate"))).text.split())
            return "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return None


def serve(port, config):
    node_keys = generate_keys()
    base = "http://127.0.0.1:%d" % port
    node = {"entityID": config.get("entityID", base + "/metadata"), "ssoUrl": base + "/sso"}
    state = {"control": {}, "last": None}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="text/plain; charset=utf-8"):
            data = body.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_GET(self):
            if self.path == "/metadata":
                self.send(200, make_metadata(node_keys, node, config.get("metadata", {}))["xml"], "application/samlmetadata+xml")
            elif self.path == "/last":
                with lock:
                    self.send(200, json.dumps(state["last"]), "application/json")
            else:
                self.send(404, "not found")

        def do_POST(self):
            if self.path == "/control":
                with lock:
                    state["control"] = json.loads(self.body() or b"{}")
                self.send(200, "{}", "application/json")
                return
            if self.path != "/sso":
                self.send(404, "not found")
                return
            form = urllib.parse.parse_qs(self.body().decode("ascii", "replace"))
            try:
                request_xml = base64.b64decode(form["SAMLRequest"][0], validate=True)
                req = read_authn_request(request_xml)
                if req["root"].find(q(DS, "Signature")) is None:
                    raise ValueError("unsigned AuthnRequest refused")
                verify_enveloped(req["root"], our_signing_certs(config))
            except Exception as err:
                self.send(400, "AuthnRequest refused: %s" % err)
                return
            with lock:
                control = dict(state["control"])
                state["last"] = {"xml": request_xml.decode("utf-8"), "id": req["id"], "loa": req["loa"], "requested": req["requested"],
                                 "relayState": form.get("RelayState", [None])[0]}
            args = {**config.get("response", {}), **control, "authnRequestXml": request_xml.decode("utf-8")}
            if "encryptTo" not in args:
                cert = our_encryption_cert(config)
                if cert:
                    args["encryptTo"] = cert
            try:
                result = make_response(node_keys, node, args)
            except Exception as err:  # a bad /control option: the test reads why
                self.send(500, "the test node could not build its Response: %s: %s" % (type(err).__name__, err))
                return
            relay = form.get("RelayState", [None])[0]
            fields = '<input type="hidden" name="SAMLResponse" value="%s"/>' % result["samlResponse"]
            if relay is not None:
                fields += '<input type="hidden" name="RelayState" value="%s"/>' % html.escape(relay, quote=True)
            page = ('<!DOCTYPE html><html><head><title>TEST eIDAS node</title></head>'
                    '<body onload="document.forms[0].submit()"><form method="post" action="%s">%s'
                    '<noscript><button type="submit">Continue</button></noscript></form></body></html>') % (html.escape(result["acsUrl"], quote=True), fields)
            self.send(200, page, "text/html; charset=utf-8")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(json.dumps({"ready": True, "url": base, "entityID": node["entityID"], "keys": keys_json(node_keys)}), flush=True)
    server.serve_forever()


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "worker":
        worker()
    elif len(sys.argv) >= 2 and sys.argv[1] == "serve":
        port = int(sys.argv[sys.argv.index("--port") + 1])
        with open(sys.argv[sys.argv.index("--config") + 1]) as f:
            config = json.load(f)
        serve(port, config)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
