# hazard: process-global state changed from threads (locale.setlocale per invoice in worker threads)
import locale
import threading


def format_invoice(invoice):
    locale.setlocale(locale.LC_ALL, invoice["locale"])
    total = locale.currency(invoice["total"], grouping=True)
    return f"{invoice['number']}: {total}"


def render(invoices, out):
    def work(inv):
        out.append(format_invoice(inv))

    threads = [threading.Thread(target=work, args=(inv,)) for inv in invoices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
