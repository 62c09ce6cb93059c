from django.db import migrations

# The assets the exchange pays in, with their precision (docs/resolution.md). More are added in
# the admin; a row's precision never changes once an amount uses it.
ASSETS = [
    ("BTC", "Bitcoin", "crypto", 8, "BTCUSDT", False),
    ("ETH", "Ether", "crypto", 18, "ETHUSDT", False),
    ("SOL", "Solana", "crypto", 9, "SOLUSDT", False),
    ("USDT", "Tether USD", "crypto", 6, "", True),
    ("USDC", "USD Coin", "crypto", 6, "", True),
    ("USD", "US dollar", "fiat", 2, "", True),
    ("EUR", "Euro", "fiat", 2, "EURUSD", False),
    ("GBP", "Pound sterling", "fiat", 2, "GBPUSD", False),
    ("CNY", "Chinese yuan", "fiat", 2, "CNYUSD", False),
]


def add_assets(apps, schema_editor):
    Asset = apps.get_model("cases", "Asset")
    for code, name, kind, decimals, symbol, par in ASSETS:
        Asset.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "decimals": decimals,
                "usd_price_symbol": symbol,
                "usd_par": par,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_resolution")]

    operations = [migrations.RunPython(add_assets, migrations.RunPython.noop)]
