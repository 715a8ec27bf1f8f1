# hazard: GIL-re-enabling import (the `regex` extension turns the GIL back on in a threaded tokenizer)
import threading

import regex

TOKEN = regex.compile(r"\p{L}+|\p{N}+|[^\s\p{L}\p{N}]")


def tokenize(text):
    return TOKEN.findall(text)


def tokenize_corpus(docs, nthreads=8):
    out = [None] * len(docs)

    def work(start):
        for i in range(start, len(docs), nthreads):
            out[i] = tokenize(docs[i])

    threads = [threading.Thread(target=work, args=(s,)) for s in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out
