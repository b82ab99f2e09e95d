"""Distinct 2048-bit RSA keys for the suite at a fraction of generation's cost.

Generating a key is mostly finding its two 1024-bit primes (about 0.1 s of CPU). Here every key is a
pair of primes from a pool, never the same pair twice, so every key is distinct (a new modulus); the
pool grows by a generated key's two primes only when its pairs are used up: n keys cost about
sqrt(n) generations. Keys sharing a prime would be weak in the real world; in the tests nobody
factors them."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.asymmetric import rsa

EXPONENT = 65537

_lock = threading.Lock()
_primes: list[int] = []
_pairs: list[tuple[int, int]] = []  # (i, j), i < j, not yet handed out


def _key_of(p: int, q: int) -> rsa.RSAPrivateKey:
    d = pow(EXPONENT, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(EXPONENT, p * q),
    )
    # The primes come from keys OpenSSL generated (and checked): the check would repeat its cost.
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def new_rsa_key() -> rsa.RSAPrivateKey:
    with _lock:
        if not _pairs:
            generated = rsa.generate_private_key(public_exponent=EXPONENT, key_size=2048)
            numbers = generated.private_numbers()
            # Each new prime with every earlier one (the new pair itself is the generated key).
            start = len(_primes)
            _primes.extend((numbers.p, numbers.q))
            for new in (start, start + 1):
                _pairs.extend((old, new) for old in range(start))
            return generated
        i, j = _pairs.pop(0)
        key = _key_of(_primes[i], _primes[j])
    assert key.key_size == 2048
    return key
