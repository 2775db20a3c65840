from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "follow_up_configs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "scope" VARCHAR(16) NOT NULL,
    "scope_id" UUID NOT NULL,
    "config" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_follow_up_c_scope_4a891c" UNIQUE ("scope", "scope_id")
);
        CREATE TABLE IF NOT EXISTS "access_requests" (
    "id" UUID NOT NULL PRIMARY KEY,
    "platform_user_id" VARCHAR(255) NOT NULL,
    "chat_id" VARCHAR(255) NOT NULL,
    "display_name" VARCHAR(255),
    "code" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "decided_at" TIMESTAMPTZ,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "rule_id" UUID REFERENCES "access_rules" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_access_requ_instanc_46d00a" UNIQUE ("instance_id", "platform_user_id")
);
CREATE INDEX IF NOT EXISTS "idx_access_requ_instanc_855d90" ON "access_requests" ("instance_id", "status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_access_requ_rule_id_c367d7" ON "access_requests" ("rule_id");
COMMENT ON TABLE "access_requests" IS 'Pairing: an unknown sender of an instance with `accessPairing` on asked for access (it got `code`); an';
        CREATE TABLE IF NOT EXISTS "follow_up_sequences" (
    "id" UUID NOT NULL PRIMARY KEY,
    "chat_id" VARCHAR(255) NOT NULL,
    "chat_uuid" UUID,
    "sender_id" VARCHAR(255),
    "session_id" VARCHAR(512) NOT NULL,
    "config" JSONB NOT NULL,
    "armed" BOOL NOT NULL,
    "sequence_index" INT NOT NULL,
    "last_activity_at" TIMESTAMPTZ NOT NULL,
    "next_at" TIMESTAMPTZ,
    "disarmed_reason" VARCHAR(64),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_follow_up_s_instanc_0bd2bf" UNIQUE ("instance_id", "chat_id")
);
CREATE INDEX IF NOT EXISTS "idx_follow_up_s_armed_c796bf" ON "follow_up_sequences" ("armed", "next_at");
COMMENT ON TABLE "follow_up_sequences" IS 'One chat''s sequence: armed by an agent reply, fired at `next_at`, disarmed by inbound, pause, archive,';
        ALTER TABLE "instances" ADD "agent_error_message" TEXT;
        ALTER TABLE "instances" ADD "agent_ack_text" TEXT;
        ALTER TABLE "instances" ADD "agent_ack_reaction" VARCHAR(64);
        ALTER TABLE "instances" ADD "access_pairing" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "instances" ADD "agent_reset_trigger" VARCHAR(64);
        ALTER TABLE "trigger_logs" ADD "reason" TEXT;
        ALTER TABLE "trigger_logs" ADD "decision" VARCHAR(16) NOT NULL DEFAULT 'replied';
        CREATE INDEX IF NOT EXISTS "idx_trigger_log_instanc_e823ba" ON "trigger_logs" ("instance_id", "chat_id", "fired_at");
        CREATE INDEX IF NOT EXISTS "idx_trigger_log_event_i_6a7ad0" ON "trigger_logs" ("event_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_trigger_log_event_i_6a7ad0";
        DROP INDEX IF EXISTS "idx_trigger_log_instanc_e823ba";
        ALTER TABLE "instances" DROP COLUMN "agent_error_message";
        ALTER TABLE "instances" DROP COLUMN "agent_ack_text";
        ALTER TABLE "instances" DROP COLUMN "agent_ack_reaction";
        ALTER TABLE "instances" DROP COLUMN "access_pairing";
        ALTER TABLE "instances" DROP COLUMN "agent_reset_trigger";
        ALTER TABLE "trigger_logs" DROP COLUMN "reason";
        ALTER TABLE "trigger_logs" DROP COLUMN "decision";
        DROP TABLE IF EXISTS "access_requests";
        DROP TABLE IF EXISTS "follow_up_configs";
        DROP TABLE IF EXISTS "follow_up_sequences";"""


MODELS_STATE = (
    "eJztfWtz2zi27V9R6cvtqfK4HDtxMnNv3So7cXI87TwqTu555EyxKQqW0aYIDh92NHP6v1"
    "+AL5F4UARFUiS8v3THIhdErQ0CG/v5r/maLJEbHl84DgrDr+gfMQqj+V9n/5p79hrRf8hv"
    "OJrNbd/fXmYfRPbCTRB2cqsVpPcm1+xFGAW2w0a+s90Q0Y+WKHQC7EeYeAz0xcYB9lZ/nd"
    "neLPYePPLkzULkLVEwI3fsQ+yFke05aPaEo/vZb+mXZKjfZsSb2eEDWs7uSDBLr81+wdFs"
    "RaLZbw59xt/+9L/pKOxZlsShD0NRw33tf3vER4EdsZt8PyCPiN5GB7ddlzzNgthFMxzOnA"
    "DZEVr+aUZvWyIP05twdMweOfYw5dKKyApF9yigD/7jxzx/Mgsv2T2+a0f0KdZWHKKAffb3"
    "v9NPMf0pP1EoRdA/ojgRT/bNlh3NKejHnD1RMYT/YN1h5C4rsyIdIfncijZ+8tn379fv3i"
    "d3MpYXlkPceO1t7/Y30T3xitvjGC+PGYZdWyGPEYSWpRnixa6bzan8o5QI+kEUxKj4ecvt"
    "B0t0Z8cum2fz/3MXew6bXrPkm9h/Xv7f7NFKt1nWp8/frNurb5Y1F6YlewRuymQfOcRjUx"
    "p7ESP3X3+k424JST6dsy94+28XX385O/9TQgEJo1WQXEzomv+RAO3ITqGJoLYsCzIVOH97"
    "bwdyzmVYTgL0B7ThPv9gS/72nc5pzYnrger52v5puchbRff0z9NXr2q4/38XXxP66V0J/4"
    "QuQuki9Sm7dJpeY3LY8u7c25Em3SUIsNyM5SUO6STdWMnfGlTzuFZ8Z+vFM6KbbUdaMzq7"
    "38Dp/OK8Ab0vzpXssktVcrd7aVN6t4jhCJ77VLVhNE2U5ZKeIjD9jl6J8BopJnMFyTG+zK"
    "DH+T+mOMHpD1x+9txNtrbVUP/t+uPV7beLj1/Y163D8B9uwt/Ftyt25TT5dMN9+gsvpmKQ"
    "2b9ff/u3Gftz9l+fP13xWk5x37f/mrNnsuOIWFTNtuxlSW3LP81Zq+4TyMHLVlKvIjuQ+s"
    "h2jYkIOeekVsrop4/pcC2kXEUa+G6bJGbuDNr4BMkddjs8So5XuDtPjlta8xO7BqUlyB50"
    "TmdF3MEmM3XcPUiP4fnkE9l9TwKEV96vaJNwfF26keM0M6OV75jmRN1+upV+YD8VNiL+Va"
    "Uc0F+OolQdvrh9e/Huai7M3Q6ozSyU2WCTnLY7uS29sxVe6ffPPn2/uZkn03hhOw9PdrC0"
    "KvOZXSGnhPukuFe8tD5d85/Ynr1K2GE/gz20yL3adpxJZrfhmN7YzGqs5ldiMd1lDvUDTA"
    "IcbVITqI+CkFIMRtCDG0GTOZ/wJZCtPl1XQAZaMN40OFq/UZ6s3/AHa5/ygyzfjiIUeFpW"
    "Zh5onjHu/GUDrs9fKslmlzi2x2DWHzXnvRhAiwVeoPvaixRslyAcy2yT7mkVOemL4xV7gj"
    "+fvnj5+uWbs/OXb+gtyVMWn7yuYf360zeOUOSxXymZvpeEuMj2FMf1LYqjdEFhfXGab43D"
    "bnuXnz/fVE7ml9ffuBn7/ePl1ddfXiQTmd6EU4VOJDtANlVIRK6/oZ+KybtFmLBA1BlBrv"
    "7jW4XlfBn45ePFf/ypYgO5+fzpQ357SQhvbz5f8pN7PPaoCUliauYoO1GOdTbgLWJAv83C"
    "Jc7DVL02ycNba3q0o4dHnQVMAMI6pr+Ogc9MPfHN9ZnF/rKl1KtIkPpYpC7ZzrKnH5FzZT"
    "prrYZvZWsK1OC0AgJGR+hfGSez3btX0pnYAbdfioHMZLbyysp5VXtXygf1bdw7ZxbJkO9/"
    "/YpcW3GMUMXbm8H5H716oShH0ZeAPOJl4vIRHVGVG45qfVHsVsvP7u3fHQVOpoM6mXRjkP"
    "eKPW7B8bQt76Fzj9a2Dr9bRF9WlsNRfHbagOGzUyXB7BJnYbFDZMWBq2VcKWHArqJvV7F9"
    "bD0giTPpynOCjU9pU3NfwgL1+tSniwNTLu7wShTA324/f6pbVUpA3ryBnWj2PzMXT1jlkk"
    "mBMVIvBZ5wbgdlA/BSyH6ARZ8B2WuJtlvnBBTB4Ats7gvM2WMWOBJLTHxKh7YEOZxf+3wq"
    "ju0w9n0SRGE2PbOMGY3pLR8ApnjzKV4wiNf0KCY7TDfif4sekPzik+mzb8dLTNqSX4CB+z"
    "bc0weK18iTWpIa8V8ZAGSgtcFuH04gX63XczDQ7fV1+8heSea7WqXP7wdNvr0mj+lS7UT4"
    "UWIBq11oKrje1hfBUDN53ca1w8i6R7Yb3Vv0RJpG9uj46KUDQKDZeDzzYkBGWWT6xQLkaB"
    "P2l76Dz8rMoSAggc5+LgWbwDoEoY1GFBMNR4IgtOcodVUQmhDc0yRQInWxBySOpPYdnWAJ"
    "NtJXNtBkl2IxUkIW2LcnT+ZFR1XPjgFerVBguUR2htQh6ls60g1ZGURV76E36Ruoirsp3s"
    "9dQTfbFaHbiBsh4zuv2ZckfPNBsNX870rieAUHieJjieEJHaKXJF4AIEGcO0cJCeLpm6mX"
    "qlzGmHBoGiBQKqVMt9hBFWUe1d1bBTLGtN3nAq6V83xsZHfsPU9JSj3f1lpadbTWrCzFtz"
    "Mvj4zpYczLmRaFfHdDv8qNkMTmpXaoyNHgXmnvXsnmMwpD+qBsXlOmVpLAwV0LvGwE8xb7"
    "7qNj81B+dId/Wmlxf0XN6QbLknwYWJ00V6cnG0fWHQmsNVpiSWR4A0mIQ4AUNKXAZnFKHy"
    "vhdN9unxbHADloymFFWbHaVdORDwASaCOBxCKlvy9XsebtyC9OmxgT6F3qA9ipwqCQUOcH"
    "ZO1LTmE1+RMysAnED+2XzWqr0B+yIDEzfsqPa+o3QDmACdLo2wohkoc9ay1xXSjtETUjgG"
    "VCXOtFuqiA9yS8GAEIb0D4KiCxvyfl5TGA9AakByiM7CCyUqL0s1maDQg6Z2OdMyc09Ok9"
    "rM6EvWm988rGgM23+eZb5u8O0x/abnVSDQMLVMPp31b1kQ8CtDekva0CJB8EaFdVSbaSkL"
    "mENc3dV4qHzVYj22KhZ9UpAOZto1BXfQorxrjzsUReJ5+QBekJ6rk9zUB1SE94jlJXpSfI"
    "ogHSwn6aVV2lYKju2rB7uppXdff0Z8/mwWs6j21t6oZWKOpsZFHnkU7W7qs6sxWzA2rfZs"
    "NMcsLuZLW0rUCd7CHrZKsVrg74Fao4m0mzVNccV9dXH1OpzWUJf+mVo9pkv7QIKpTWNjwt"
    "77CltQ99kO7f/Aq1yg4VPUdXrywfQGd+V1EGzvKOU08ZX/d2KIlOr+c4xxhXor/7hsRJIr"
    "RW2b0tYq/MsFYTubQpLmLsRvTsdMy+7xD7Yj/1+LaHQS2h8DhI2msvA/0abXvWZWvwKojq"
    "4dbdN8UQLMaG5eK1LCRC6TqugiDgRBJwAp2LWyiI43Zjid7LpDZhHLbyX/JYkPQ0JI19nQ"
    "2Jx5lwxOtbE46T4EaHxJ4sTA+vlNsSBzQmqOkvp6dnZ69PT87O37x6+fr1qzcnxfYkXqrb"
    "py6vP7CtqiIJce8K0CN5aLWmVZGwoo15RctltdCqglFFmbea9WIdTEmzAmRLnVtq+6AANI"
    "HwoS2EeXig3kSvokzgfYCJDjGcavanGc0HMZzPUeqqGE4h1Ejt8y7FHsRLHHVQDzj1Z1+w"
    "0ZrVBB7bZFAFHfRbFLjKmjJOoMzrzngBqyrTXiMHfhRfmhUM3u4UUOz3sFEFayozolWOdo"
    "sw0Of64qSJcf5EbZw/EbK6pAXB1PQqin+ZQO6rkybs0ruU9CbXmjmYbte26yrNTEonU48W"
    "pv5dH2enr88LsxL7o86QdPvx4uZGkjSnZRsFi2hTi+gyDhLlSJom/t4ltiq+qIrjqL5jwO"
    "mRXUPuu8/fL2+uZl++Xr29vr3OPNKF0pxcZB9t0xC/Xl3cwBnW8NNMkzNsVcdsnIpWQUF+"
    "T302SsaWZAXTjj4vQpunyevuuPPKxJLH9x8o3py+RWs7+93iWXJ79aj2HFncN8QBMu9JhB"
    "7LPRryUq1wioTY9JFojhCbbpTnSb7uNJ3ncjTM+mazPmePfvMSFxtN0yheORpiedvH8hZM"
    "MqsxdrRcsSJ0uLdgbnv5E00rZcN2tGd9CQIZBZ2/AXnlVh2JlDGw+rTnvl1fh72bObR6ES"
    "ZfyQtq0XWcTAAmSTXV5pokIazGNKl3GlbTQUBNYYSDeJoW9k9VOA3PahMr6GChNNtvFKNp"
    "WCdt/u+tr5u/kpoloOX2we2nhSA0uC5jwG01gbTjQ4Y1dZ5zvLWqWXQxcu61D2byAQY8ox"
    "1mDnd4RlsGGyuIJQ6BWt5LqAHJLj6ZLNuZYc2iP9GJI9l032mUq2DBFLSHKSgIiKQCntoR"
    "VgDABabvAktnLdM32VFTr82JFAvFJsA+ZL6loFHIGn+Waxy1xgPhBLAjcK0S1bRv7FplsG"
    "nSuzt+jZ9iYwphu2RHhr+RxVxivSmuHdUZbhbsLut3shjCZtPcJMMVsIZMqdHYaOhU0Y7/"
    "KWMMNCucnTYwK5ydKs0K7NIU7TZzH3nLrF3rFI03AaK/NYws3w5smTqvPsmKSDjHtj/HRi"
    "SyXQtHSOtMxaHA1y4GLxAHhUnBLk1qJUigl6f3zsZuC255GBAr2ADiIEh8OpQinS2Qx5lg"
    "5Bqk3yZhi3No+ShwkKxQXX0OsQxvzKTuIpU43agckpRPlJxR3iEHU4brdrkymNc0UvRxNs"
    "rUeK5Lgb16e00Z/eXFy6Nzzi+RT/WXQh58yldEHpAsYLiu5CKPNGYOD1xzMXEyWFljb23v"
    "RBlowgI+uJeCkah1ltki4AyzR1IIOC6eoeMCAltNk7oqsJWzzgXtpF5FQlXh8QhZfLcdsv"
    "aZm6fVms5hQdJjlvTBeyJPR7ZTa+A7Tmb36t/bpE1nubDhEtvsCyPEnkEgXyfL4iMb6206"
    "lDnc95pjkTREljjn80bJasc8azbcg09ecK3T4zgKPOZJyfIfKh577uakB0h2Qi989dIPk1"
    "7JyfzJ//Q85KZ/+HZip83bKYNH/8BZF6UZINCtNrdzMAP9+v0Ulrc94mFHm24e15Nx7HB9"
    "KPthu1iGdKgugwyc193Hq+TLux7JOcRAirsvnDpobbGRqW5QWmwcp79ePBb2I1VMAisOJM"
    "uHmvgqCnjX551q4RF2sG8zVVzeoU7t85dhjXGYdhbJkh+KdOkVcEAtT23sMf+CNrM8DIjl"
    "ieVP8wK3DXrBVuFg/B6z8bsiMD9Ajxg96WzEKjxsyfpbcoiiiD6PVvhGGTOOUofsa40pde"
    "i7dnRHgjWd4pHNTGg6spGCIcoGomwg3gKibJ6z1JtE2diBc48fW4mdg4ICOh4xi2936tlu"
    "I+YqEqQ8ZikfPMZmbCt3NwXeOFe6BrMiEgKYRhjANNJpu1cEU1E0QzGTO2A4j6+Z5LzdSa"
    "747u4RIWav2FgBiSO0bxVeNtJXNpA51HNubkypKSKz2jNl1vRUuZU6IOnLdjSDFkuZk2jv"
    "2Mwibc4UkvqOy7xefrR9P300aYDm9oajXZGadBm21unNQwRtuvTrmsRr+nSmIIixHEZ3PJ"
    "qpYywzgQlMq+N3tggDw6P6KWSQT3YNlssY4LlhqBQOHfKIgnY2Gx58KKNsaVUhaw8fLxfH"
    "2dLvkPWaeMdx5Hjk6RDrzOSMOyWh3gVEq2iLBGqC57jvgFswp4HJ59AK+lEbk4/aItG3ul"
    "8+SioUfu60uUPl50+6Xev8ZdNsHkgQhyiQa/4+CsK0Rm2aY5Uj8BJ5EY42cAoYZjmpOwUI"
    "YtTRVCVY0Fgba6yUvo2lm0PB48zTTHqhGyL6DxM+GBBXa3rn95vAde8Kd2ix9jWPEoJr+w"
    "xVcNB6t3mjod8J9lpZGCpAsC5M37rgoruoTSbCFgahQaOWL8sgCBHy2qablLAg6TFLGvLh"
    "+iv2DnkKkKcwieP+NCPWIU/hOUq9SZ5Ci9jbboJuxybjjiKaCzu2BqEVEMQxK1SDsitAh1"
    "wFHniudR4OG8k80sVgp9NQFcMsjxFPXvMOSP1SDDTJibo7QLy8Hipiw2uXiC44zsa8Lg1p"
    "KNuKBVI7KL9PF/g7qoDdoChCwdUjkrvA+VuO6lzgS1ZHxU3uttAj6sUHLji5mzcQTR4pnZ"
    "KSq1uch35GVqLeBSgKNhwefOYH95kXghC4rilNWsIY6CPvvrhg9W3RozlHGUj0i9M3DZim"
    "d6mbjrJrXJGXePE7ciSqYU1z1y3EQJb7KfxKvzFeo0CH5jLGPJ94L5PZtzcusSWLc42xeQ"
    "sZvl6RQTbmpG+XSPyO/mrGrCFDB9dQldF50KG7AJiwlAzNdkkj13UWyqDgLxRKk9pebLst"
    "KZaDgWSeZMnhUiC53jEkHwGiHMbjDxLdgFvjQmP9vkAMtzXPfeQts9zmAZTP8ya6Jy+1ku"
    "p5zmueSeRP29dKAMMbNeY3ig5F3Hal4DgoyHkScl5IHBA1cexVmAn69gAWkoS1mD0YlUek"
    "1albAjWB9KEPORAlpp7/04wXgiix5yh1VZSYEBxyGM9v4sz9klldJW7fyvWjOp9v6vDJDL"
    "hD+HvLjjx6SFrl3SQbO3vBeTtS562a6xrnLURHgqN2QEdtlBXU0zDjrExluPuMWqXr8BJ7"
    "drDRdR4uNln90onRXJdNm3kCC/WGsnl5/eni63/KTx2XEs/h5X9+u7rgJzb+J7JIgFeUaE"
    "mKvtLsL+BaWfxHdujr2uafkOSQtU8FECLJ9K6nt4oEgkWCWS97OnhoJa3tJctHXTq+CB4w"
    "J7/4ZLJJ+QV9CztE5y/bkr9FA/s67IO9yDDLQRN7EfRHeQ6uj1xWep6PKsoEG/wgrb4ZaR"
    "ZdMaTJRLvYLgGBcCXhI7F9vieuS56++2+Jd4elhd65O47q7J93yb1W7LOcIHp3L2UfQ4ek"
    "dprkH7Jij2DUPKhRsxBQY7tQDjDQLtR9YE8x7TWmchkDNmPx0JatbE1D9LcIiNCHKjBwXg"
    "P//rOW+sj9+7kGe4uokFlKfo2WW9zTUM8Ns/ubabrzzx6asYoO/yuc5ci/zuxgjZazxWZm"
    "e7Ok2dwsQL67OZrd4YBesKPZb2mYe/Tb0WyJw+J+7C1I7C2PZr4ds2/L2voezbnJNtDX/r"
    "dXjJSkUtErlAfsUlSI2P02/X8YMt2WzisUzUgww1E4Y8HGs5TSP8f+8Vyl+HP18/PKGGKp"
    "9+RJ2S3Z80OYw4FPBMoSUDW5psoSUCacCvpJ6WWUsemhM6UrIKhYxB216LKl3YigAgILWK"
    "Opm+0L2kyXUQYuE69eNIkqoXcpuU6uwXF3FMfdQi3RcAkXGCiN39wPnOu4VvIrRcbVESYC"
    "EHJ2eXKT1MCkZQMr5NUytZDDG3iUn+7RXbTY5McoTUmXYOBbH7N888N9G5evCDVP5e2+nh"
    "hYvtXUT9MGCpbv5yh1leUbWtFCK9oxV+QdcSvaDy5Z2O4tiqL0hwqumuoNR3V+mlVyqxWm"
    "9/afkAluhoO6GR6QVnBodns3dsPdDE/bQvtou7FWDYwCYMJ5YOjKF8hzgo3PND4F71f5DT"
    "XlLMUxQBT6okjI084orqIGrFqWsTfIQtN9bKND6ViRQGsZL2N6muCHW8u7Nz2UH0tjOedg"
    "sJLoryQ4pJqoEyDJ6X9Xi+QtDhICNRxBlLkA/SNm8Uz6nJeRwLoG69ljq1SXujWGA8Iq00"
    "pfwfSExOIigthFkjqrake/DAttTvcPcNdLWqyiTHgHBjif5hZyPaqrKKC6WZwhOK8Mc2OA"
    "8+o5Sr2DtI3t9LinCoH04H6ZAd//+hW5tuL8mJn2M6M+Xa+91RQngsr98kefDpPCXSXxlZ"
    "RdWWo3Se4NAgeJ4Q6S5P8a6lF+P7hIGuZfeB6SFIyrzXLJIX3ZiE2yXeIwjRyVTOJd1pwt"
    "rjdbjsD09E05lLj8ybUZLwHBfKbBOXnykvQh1iqZfpVWh0YZFk61WilIvk2/Q6C8po0dhz"
    "OB7qFtlklOwJoSSTXctikFVTgEnI/nUCnaEqaVglbS/BcxdukJNTxmX3sI5b8XM3XqXZR4"
    "ChpEmZSwsPLpr3xLHDokWFoLEtFz8wOS+OQbCEE6CoijvTgcF6saM9TmwohgE6TQe0hKRt"
    "yKrq5LypuWz1IKBqdl+90gJzT3xmc2ipYvg3wUeCuavxWPBDvIQh5jQTeMRTkGnMh1Aloy"
    "FkN60LhnHQjWtrcM9xSJejBI9dcXzRNa3BPyYMWBxP6qoUFx45iwTh1Kh/JRsMaJbUSyn1"
    "/ilbIKg2IAg3p9/OX09Ozs9enJ2fmbVy9fv3715qSoyiBeqivPcHn9gb0TFZlI6mG4tvOw"
    "5xFDMga8HPovR0qj7ft7i6IyBoiirShCvPLoUykjsxvLQxwIhNJWKBGy17q1wHigCez3fc"
    "SIkItWAaVsv71BPowJAhh6+ifVUzVnfhkzGOfFPweZ+b04/FLedBP7qqgBE/uSLx6G7u7z"
    "+jLW8BqRWLLJKo8CAm64emznUynIlnJEv4HtfSy6T9MgIcWDfUjDCJEymFTPpl/lRrKYDb"
    "UBW44GC/YehTbTGZ0FZrAnidBKKy9EPcKAK76PAisO6X/YP1id5mFW/+47Gads+gG6wz+t"
    "rDyyPBS1wUIlHwZsprrL1ZONI+uOBK3axKqGADHoioHN45Q/ReRZk71bHAMEoSuIFaWlpU"
    "tHPgCoUO1kkCSo6G/WVawJxgfuUHb6psmp7PSN+ljGrilp9wOy9iVnM7XZRwo2gfjDWH2Y"
    "/ZKewRx5ZZZd059HmyCHvs2fW+YiOsn1p34ZaQLfh5n3Sa+oPHxbXwgCHCTRVhJJVy6LPt"
    "lqpZd2ooCbIIneXTApXRZ6RJ4sBFttNxKRBw2NJ2sPHy8Xx1nmcZFTfJxHAFaf15jg+fxn"
    "5ZtvKxlWwGD6218aa5YBl2ZlRShoJxTZGCCbDmQj9VGodxceN6AJNmCNLv9MH8Cfqu21WG"
    "HYMc3Fa6zjfpODh/PBveqL9I5dcPT4e4ddpDBqq2c2jzNPYerFc5/T5mNHHvCrPjNIoCaQ"
    "PvR5IadxgUkb9jMYMN+e+TWKbFbnRUexkWFBoWmv0OR8hht60GlTGU06AKSujzl1fUmePJ"
    "fYub+NRQdQ4Wk6jNSDgNNIw2lEXx8HhaFlx0vZPlQrAgELHlN94vHaXskqDDdifgsG6vWp"
    "f8RL1HbOF1ggXp94+jzxWm6rbUR+BQ8C0BdAsWcuXOI8aAdr1A0D4mgujjTSxUqUpdB3ZX"
    "alWjlI8SAArdTnhEEWIso+yyIjdVVR9Sigi+oEMDnpqqJp2+ZgA5q2k2UvP+dPMqckpc63"
    "cd7xSidkTwDDbNeY7VEUZjVF9HLVeJwJFsABwvQYbYlfvQXdZRzQ3YjuvJTkEi1IzLrk6q"
    "7qygEGXN+zjX051eVd5BB71lpy6lJ6L2tGGM6FOZUsQpEsKt496S5GALp30r0KSOzvSXh5"
    "DIOq5fRHeoDCyA4iKyVKX4tsNiBolhqaZU5pYhJgXentTevtVzbGkMFDtrcka/zP6e/BZS"
    "LvMP3B7RYq1TCwPTR6C9rqP/JBhiP97GTStLfVg+SDDEf7i5PJ8A4dBdVUT7O3HHQUfI5S"
    "l0TQZE8vFoMgzAsdSA1a6sZvUvAefeBGduCpEfOOrm9/P+J6NqoIF9l+TwKEV96vaJNwXm"
    "4ZKO/SeMEG/FIab5IkC00aj5jG/lT0JpTPNcoG5QClpxf6JLNP329u5gn9uzpkZi4H1lae"
    "nhJl4QManTIvksG+pmNNcIFTCUHm4VG0MW9BFx3InPkqS+AkcbQ3VWykr2wgU6fVwo6ce+"
    "t3stiTqUs2zt/IwtApxSpO7cnQ26xolYmziNFDNwV6tPOZoa8Dpq6XH9OxTKXsjrgu1RVj"
    "f0+y3ifjfPdv2faXqSom8pVZEvZk6+O2NIKJJKkS53Uo+rz28NUjmqKPpBFHiWOoA44+sH"
    "FMnUhp19QI7/u+faE33JFgfZ2OtzGVL5ay0oEWdUuHaaZETZKlPIXaJfuqCN/SkW6IUfoB"
    "OzmTU1I6MVfO0uKl9ema/8T26P62zL6bfVOx8y2x/ZZ4EUq+r7SxSq5TGNW+tlfZB1HG5j"
    "wNFndKty7Y73AqPteGzKQisSKyQtE9CvJfkQom+VE/Ch8CXs7ptR/bI0vyCbvdfygsFeUl"
    "TMeYtrf1TJhk2d5Y0xK9VDAm+Sb2n5eHqAWzw552lNiRbakhJ9E4NA2XZQzYK6WJHax5Ss"
    "KJQGttAQUeOpyDf7ggx84d+6WVrGnufgliBMVDJ+5rlzWFWqZ6UbtqD0ft+lFgzKO5+2p1"
    "ru2tYmmZRjXHZYx5HHe/Ni/joDgJNAw5KUMg8FOSrsJ6UoUsx02itKmrX1VRQKwkcIdqdp"
    "QgCavvkIPXtqvSJbYwPnojxR1n+OlRXMPfu6u31x8vbujmdXTOBcLmK8XLE8m2Vqi4eI30"
    "YtHkYJjJEIJmfjBSkxC0il1FkLv6OM/j4EgvD6TVY7WKAk5rw7qUBdO147maOwjHyevOSK"
    "7qvKqEcL29uH178e5qLl8VOiDXvCARnl1+LdQOkevXBZDOban1v5j2dYb/rQu+W5v/jzyC"
    "hA2NfrIK07ZbmPcr3oDSjX7mXEzUOTr31n7qIMjLre+4TfV51k3NR0FIxVc/Rn5vfjnzm2"
    "4KZ0XaypDuumUvBvgsDuuzKE0wgW617YaDGWH4HaBAcUjiwNEykm0RBnLcvY2MX4OSNpma"
    "DePVQ5hnpexnlqcMLnHosxw33eLnCjiQ34h8HFp3AVlb2l1Uq0DITW+Rm67rpeZxBi7xPT"
    "SuoLqH1cJPzeNMWE+G9lXTr/a2D6pDPg8E9vXZTwojW+WH1ZCAFAxS0JdCUiS5rRSkYJCC"
    "vhTyaskWpTpQ9UZVy0EBB0noS+LeDlu1iq/gQN3UUjdZ0PGa+W31NU4BasKcH+BclTKn2V"
    "WqAjKB6MGDIxMCXeLYLmu3eK9PfhULMmgrgzZ9pUQkdJVq31WqcJ+0tNmr8Ca8EwNsAP+I"
    "CYvm0e0Iz8FMIHvoBSijMLML65qT5WgT5DDApL8jAfO1U/4y23Cb8J3aQSCap5bxlmt9/S"
    "gw+XUmP6U1lpmalcG1Ag7qmPJHWOZsyqeopt2Ah4LpQMt0kLSu12p7X8aA/t5efw8jO4ol"
    "zNd4wgvEgNWpmTX0Ec0HWbZ7SJJCLn36YGPpsy2BDrZRsqCHyTZcoqf8SHuTrIJgh+RXah"
    "LgFWYqm+6BUwCaoO0NfeRMZuc93dZIsNHZK3ncXvtlu/V7G5S6iLEbYS88Zt93iLjUXrZR"
    "RnGrfKwKEJqpj6cUtJh+leYJtBFyFQlSHrOUA5R63rVOIxUQLK89eBlSflPdrJVoStBxCI"
    "h9rTkCsp8s3964xJZYTmqEU4XBQb69BAoNu03BLykYjOB8OZkIhVErfiVQYJerHCEm8Glq"
    "WfIRDCxxYJa65SD82Eqr5qCHEnRpbydrDx8vF8dZzq5D1mviHceRQ3/9Ibb6yc0GqGuiFL"
    "PBdU2gtZZpUpe87KqWFDpqVLm0QIdJ9ePdzjX0J66mQuMSBVwpBqBVEd/YLspIAQflX54h"
    "X67o0ZRiaTUQ4Le2AkG5CkoLqhXDAOu1NbCce5mCo12jybA2VUdcgabSHr+79hUusbUnre"
    "U7DKWW2+t301tZWjvg+Esx0CSXg50Ey7YiRYGxJqtzF4zrt/eZOPeKvamBGHhdrQP6jS9W"
    "qNBv92g8W2les3czuWrLHDNkIEzavZuAGTdNe23UtO2/J6nTWGnOp67UyCzF1rYZYM8Nmk"
    "rGUVn9Rf5y6qbKU7H5q5XdTbioWH75+xwSBNm0LCoxCmUloQLjgbtG6SbyV1EGFo7qpRXM"
    "EgdIUSukJi68DBowEB97CxJ7y75mc++tpO5tz9PrbFSCmBC03HfTnQPWbh01070kA3LbqM"
    "6sFpBAeSPKmZ4m9wKoyS5jgOZxFiUeNcXdL9PZAVtbxeNx5nENxUFNypmC4qCHZB+Kg45B"
    "ClAcdAxSgOKgY5FE6mLQ7fa1xUCcA5T+PPgBKWUuxP+UtVTAK2WJgyrOoOaafzk9PTt7fX"
    "pydv7m1cvXr1+9OSmqHYiX6soeXF5/YJUPKqJQ1btt0f5YBBokhM4qTUBl20PsjMqY7Frz"
    "uCIme5KMD2G0tT3iYVYAuA3dMjAQ34j4ba3ZFimcUjBoglANeEQTfCLF3PLEzfkgTPdQWi"
    "wISKCOElTrJwLQhHk9eBWshEQ6cWXc1ziYqzATmO/bRwS52ZCbXSrQEBCHrlytpgOPhRJY"
    "Y5Z0VnO0bamzChYkPWZJs+zyVqu7DfKdgnyzdZf+3KQojrWWHA6Uhko5GIyVorGS6pReZL"
    "EiT56z0SNZBgWKRYojEtluO4plUKBYpLhF/T6o3QfVE42QQLoMB4j++FCiDqllIABBCvtL"
    "IfTpc0isO7vFsEWCHNrLoV1bRWio2AX3UAJPrfBMsxhakxJ4B6/eNZ23TqembJt6UlBIqk"
    "mV3pYVpKB0VKvSUYepczROZvcqcySv/AIFjhpSq1vZCEoa7cW2Xi0jdXWdvquhfAhI7M8V"
    "1VDSi0c7q6Gs2H09VEMRyp0IdUZKtVKg7MgA6kRN2ZHDFQ8Y3WFngEDU4YthjJvl7kNodP"
    "vC99wJXlg0pj2BW6Y0QjLj/om99Pt1szPKGOC8TdrieoEC7Z62PAxcn5K+tk9euXZoHNK/"
    "9FQQ9QgmTPUhlJHMer3Y7CWHHcOAMBoJA4dWEuNFmLFdYP+SEBfZnmKV56Ac4wuK7UtPLD"
    "4ZdrG//Pz5prLYX17zq/n3j5dXX395kYiA3oTTo7u4DlHyWGAy/dUyU8ku3itQ4F2D92Kp"
    "aOP5lILBBdreBRpuPKeVB7QChJyDUXtFG8WvgjNcrQWY6wyHfnCmSV3ysguV7A8eAjE2WR"
    "vkSR4ptd10zDmM3+1LGvh7G9GXdYXeEu8Or+YSF5z0vqM6b1wWUmyFKYSxlGP6bFMArrfD"
    "ut5GU/F/N9+DGVd6qffP3itkPaHFPSEPFl1vNE/6UvyAx/1cHJM97acE7gj5byCCXbH/II"
    "TGQlBF/GtIQRn6D2LYKYbMrW+xJmqthMAPACLQFUFSn6QV9wUSSG9OeoBYVXXW/WJpb3Sy"
    "SUVgK4dqK9ZfvOxL6+nYnwp2OzXV07TggN3uOUpdZbcTDEwHsoGk4fYyq0cRiF9j50ju6b"
    "//Ihg2DmrYWOLQd+2NpRuKyeMgJLNJ5Igf4LUdbCyfcqVFtwDshO8R2ZJenTRg+9WJkmx2"
    "Sc41WttYK4pbAMLcbjK37Ue6xgS6Ya9VlAkBaMMHvkI5AihHADo9nORA6gc8yZU2QocVBr"
    "SC2EUS09llhn7/69esw6xkKmTntItkpK90oMkuxUIQgaykEYmjvaliI31lAxlKVdLQwreD"
    "CDvYT8jYkzGqAEdf8vGmmObSiLaQTbCspvyehH3cVqY3kKgkVmFPhlhC+9UjMnYyZZUG8L"
    "4zqUWRhrFt9Eq+erVo8rzJbJsSbmusnFwRiUy0XddYKCWG8xGZfBoWX3PhR6msCL30Q4EA"
    "E+rBTKhQKKD3QgH75Dx2lug4btL7sVeXudN1EUjBJlj4BnEUkDvsIsvHjq5FVQI1gfShza"
    "o5jdr5jhwOzKv7VNpNTlwtijpwuOGCkE76WnM6jkG6w0EYWSFCXgszpgCGbNKpmTdFq7Zr"
    "t58QPBb63oxa0th7SIqA6GhzFZAJCkVVizs7baDEnZ0qdTh2ifMNssSwJZJmE96ubddVbl"
    "9V5IABtCc9715np6/Pi42L/VG3Z91+vLi5ETcuNg9ZDRVpSVq1VszBTJjAQ2vE4OxWz+9p"
    "uj3B2f0cpa5ydkO5AbNbLphDaU0Fh+GL1Y+U1j2q1Re1G2QrQgfUQmmMXaUxIOwDwj4g7M"
    "PcMIZ4hb2s5sxcGsNQvuGoPoCB3ZpXo0nu7Th2IfuGdCF7QBvoCjGu8IOKfJr7ZksgA73h"
    "L06a5BPRu9SlaU6EjCI2+TU4zm43kN1Xjdh9VcPuK5HdR9uNJdql2qRXAMCYp2/MQ54TbH"
    "xmnlHwfpXfoBaAZAwQRQtR/PQxXe5bWNiqyEGcbkMmLU7XniaaUcF4rt5bpmlGBeP5c5S6"
    "yng+kpoftyiKKOtUKfXkR8vqDUd1R8swvTWpXrZC1j1mh8xN90dMIeA9/+L0dJJ+ffImQK"
    "T7YY+axFWqi2otsQIC/VBfP/TQkz7rFRCw3iLaIVt29KKkqigTeB+o0ybdYPSDegSgCYQf"
    "aqK3OJlUkKCjjkVHbXIyqepYTRWnKgpiEepjETK2RIK1PeYfXLKw3dvteNOkd6fbvDq/xt"
    "RQ4nbjOX8ji7nsSJVdOqo9TNGbrN/Jov+CikJH95IBKUkgphejOOSvwNEKkojHpGl2n0Sc"
    "vIIJRRokV0AG0vzivImflFdUSm7Sc7GBR768NOa4QAxH8NxH3jLbTKfI8rbtUNPE1C1ir5"
    "TUdmxvV+hFjF26x4fH7GsPsUj3kqnqB4Rdlkz72kzhAgMi6VwkSeOHPAZQx6ogAMGqAMlC"
    "YFUAf+dzlHqTZCGqvwXtpF5FQtb4eIQsiWAha58ZY1qt6RwWJD1mSUPyH/QaHpjaKfca/h"
    "bg1QoFN0TaYbh09ajOQByl91kuWR3ARnyHg5KFmDcgsxw02X3Vv+h59hEvs5qU7AP2/Kj4"
    "K22GC/UqD25qTotu6+WLlDEmHIcHiGooZr8GzWUM0NyI5vF05h4V17305i6WcI1VuowBlV"
    "BYI9JNX3f68jgDJ3APBbmGd7GOejnu3sNaURQbM7yXXjHuSdzLjse6iGtXwa6AzJvLvRDN"
    "Tmk6HOf3m0dv94txcXQU+N1ZevbgXgKoOtudrZEO5RPKdZu5wGPBqjwJSYtiviTERba3Q8"
    "oSES8osK+3vPhkWLlefv58UxHp5TXvbv/+8fKKnt0SWdKbcGoFFUulLuMgqdxjrSVxKcrq"
    "sxyqVfnZkb1GXRdPx54fR1ZEHpCsGpeSWR4G1IrUkjhqxa2AA3JFcpPIJpHUHaFQpqi0Q4"
    "dAQWPmwwX/LZGDQyzLJlQf38qYAQORA+S7GOWPM7lAZP2sTUjXhMBKCLHTC6yEkJx+6nGX"
    "QhY0aOVge9A6ncUMAp1GFOgkm8Md0Js0Uf9SGm+Ss3d35fPq61uhmD7D7NP3m5tDBZP9O1"
    "rcE/JwS+LAQXNJPFn1hqO6kLKn9FYrTO7tP6oM4roOGtel2591r5asLTgeLvalj+K/5ScT"
    "SFYfdjgYnHha1UdFDju43FP1HgVaOZYyLNhV2ttVQkRPkZKTZ4NqwVsovARt6jUzHnR9Zy"
    "XUgJ6zfOWfrOMsaWcaIAfhx1aWFhkenNNjdk5HJLLdQmSStwyvlK4nEWtMu+m/nJ6enb0+"
    "PTk7f/Pq5evXr96cFC4o8VKdL+ry+gN7zSryFd87sG2qBWKubROSxk2TumTJHVOR7AsUYO"
    "d+LjGuZFeO6qwq9vae0RhT1CEnDfej7D0d7wG/k0gIte3kkZ4NNd3FJQhErjcLqGYvlQbD"
    "2e0GstuLhYp+Y5Q14WtqHilBhq9ANXGzyEE3sz/+PxImujM="
)
