"""The final response letter (docs/resolution.md): the exchange's last word, stored once with
its hash, emailed, shown in the portal and downloadable as PDF."""
