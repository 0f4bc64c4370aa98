/**
 * What `ibloop doctor` says, in both languages: a check's name, and for each code what was found and
 * how to fix it. Placeholders are `{{name}}` (i18next's syntax): the CLI renders them itself, the web
 * app's locale pair ops.* uses these objects as they are. No imports: the web app imports this file.
 */

interface CodeText {
  text: string;
  fix?: string;
}

const en = {
  checks: {
    'gateway.reachable': 'Gateway reachable',
    'gateway.api': 'API socket answers',
    'gateway.client_id': 'Trading client id',
    'gateway.connectivity': "Gateway's link to IB",
    'gateway.read_only': 'Read-only API',
    'gateway.market_data': 'Market data permissions',
    'gateway.history': 'Historical data',
    'gateway.account_mode': 'Account against the mode',
    'gateway.clock': 'System clock against the gateway',
    'database.reachable': 'Database reachable',
    'database.migrations': 'Database migrations',
    'disk.space': 'Disk space under the data root',
    'backup.age': 'Last backup',
  },
  status: { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' },
  codes: {
    GATEWAY_REACHABLE: { text: 'Something listens on {{host}}:{{port}}.' },
    GATEWAY_UNREACHABLE: {
      text: 'Nothing answers on {{host}}:{{port}} ({{error}}).',
      fix: 'Start IB Gateway / TWS (systemctl --user start ib-gateway) and check IB_HOST and IB_PORT (Gateway paper 4002, live 4001; TWS 7497 / 7496).',
    },
    BUILT_IN_GATEWAY_NOT_RUNNING: {
      text: 'No IB gateway is configured and the built-in paper gateway is not reachable on {{host}}:{{port}} ({{error}}).',
      fix: 'The built-in paper gateway runs inside `ibloop serve`: start the server, or set IB_HOST / IB_PORT / IB_ACCOUNT for a real gateway.',
    },
    SKIPPED_NO_GATEWAY: { text: 'Not checked: the gateway is not reachable.' },
    SKIPPED_NO_API: { text: 'Not checked: the gateway does not answer API requests.' },
    SKIPPED_NO_DATABASE: { text: 'Not checked: the database is not reachable.' },
    API_READY: { text: 'The API handshake completed (server version {{serverVersion}}).' },
    API_SILENT: {
      text: '{{host}}:{{port}} accepts the connection but the API did not answer within {{seconds}} s.',
      fix: 'Enable the socket API (Configure > Settings > API > "Enable ActiveX and Socket Clients"), add this host to the trusted IPs, and check that the gateway is not stuck on a login or dialog screen (IBC log).',
    },
    PROBE_CLIENT_ID_IN_USE: {
      text: "The doctor's own client id {{clientId}} is in use.",
      fix: 'Another doctor run is probably in progress; try again in a minute.',
    },
    CLIENT_ID_OURS: { text: 'Client id {{clientId}} is held by this ibloop server.' },
    CLIENT_ID_FREE: { text: 'Client id {{clientId}} is free for ibloop.' },
    CLIENT_ID_IN_USE: {
      text: 'Client id {{clientId}} is already in use (IB error 326).',
      fix: 'If `ibloop serve` is running, that is expected. Otherwise another program uses IB_CLIENT_ID: stop it or give ibloop its own id (orders belong to a client id, so keep it fixed once trading).',
    },
    CLIENT_ID_UNKNOWN: {
      text: 'Could not tell whether client id {{clientId}} is free (no answer).',
      fix: 'Run the doctor again; if it repeats, restart the gateway.',
    },
    IB_CONNECTIVITY_LOST: {
      text: "The gateway has lost its connection to IB's servers (IB error 1100).",
      fix: "Wait for IB's nightly reset to end (1101/1102 follow); if it lasts, check the gateway host's internet connection and IB's system status page.",
    },
    DATA_FARM_BROKEN: {
      text: 'IB reports a market data farm connection broken (codes {{codes}}).',
      fix: 'Usually transient; if it lasts, restart the gateway.',
    },
    CONNECTIVITY_OK: { text: "The gateway is connected to IB's servers." },
    READ_ONLY_REFUSED: {
      text: 'IB refused {{count}} order(s) in the last 7 days because the API is read-only (last {{lastAt}}).',
      fix: 'In IB Gateway / TWS: Configure > Settings > API > Settings, untick "Read-Only API" (with IBC: ReadOnlyApi=no in config.ini), then restart the gateway.',
    },
    READ_ONLY_NOT_SEEN: {
      text: 'No order was refused as read-only in the last 7 days (IB does not report the setting itself; the doctor sends no order to test it).',
    },
    MARKET_DATA_DELAYED: {
      text: 'Only delayed market data for {{symbol}} (no live subscription).',
      fix: 'Trading can use delayed quotes, but prices lag 15 minutes: subscribe to US market data in IB Account Management (and share it with the paper account).',
    },
    MARKET_DATA_NONE: {
      text: 'No quote for {{symbol}} (IB code {{code}}).',
      fix: 'Check the market data subscriptions and that the data farms are connected; with the built-in gateway, the symbol may have been stopped by a fault.',
    },
    MARKET_DATA_LIVE: { text: 'Live quotes for {{symbol}}.' },
    HISTORY_PACING: {
      text: 'IB refused historical data for {{symbol}}: pacing violation (error 162).',
      fix: 'Too many historical requests recently; wait ten minutes before backfills and keep the backfill rate setting.',
    },
    HISTORY_ERROR: {
      text: 'No daily bars for {{symbol}} (IB code {{code}}: {{message}}).',
      fix: 'Check the historical data permissions and the HMDS farm status.',
    },
    HISTORY_OK: { text: '{{bars}} daily bars of {{symbol}} received.' },
    ACCOUNT_MODE_OK: { text: 'Mode {{mode}} matches account {{account}}.' },
    ACCOUNT_MODE_MISMATCH: {
      text: 'Mode {{mode}} does not match the gateway’s accounts ({{accounts}}): {{reason}}.',
      fix: 'Log the gateway into the right account (paper accounts start with DU) or change IB_MODE / IB_ACCOUNT in the settings.',
    },
    CLOCK_UNANSWERED: {
      text: 'The gateway did not answer the time request.',
      fix: 'Run the doctor again; if it repeats, restart the gateway.',
    },
    CLOCK_OK: { text: 'The system clock agrees with the gateway (difference {{seconds}} s).' },
    CLOCK_SKEW: {
      text: 'The system clock differs from the gateway by {{seconds}} s.',
      fix: 'Enable time synchronisation on this host (timedatectl set-ntp true) and on the gateway host.',
    },
    DB_REACHABLE: { text: 'The {{engine}} database answers.' },
    DB_UNREACHABLE: {
      text: 'The {{engine}} database does not answer: {{error}}.',
      fix: 'Check DATABASE_URL and that PostgreSQL is running (SQLite: that the data root is writable).',
    },
    MIGRATIONS_CURRENT: { text: 'Every migration is applied.' },
    MIGRATIONS_PENDING: {
      text: '{{count}} migration(s) not applied: {{names}}.',
      fix: 'Back up first (ibloop db backup), then run ibloop db migrate (or restart ibloop serve, which migrates at start).',
    },
    DISK_OK: { text: '{{freeGiB}} GiB free under {{path}}.' },
    DISK_LOW: {
      text: 'Only {{freeGiB}} GiB free under {{path}}.',
      fix: 'Free space or move DATA_ROOT: market data, backups and the SQLite database grow over time (old backups: the backup timer keeps the newest ones).',
    },
    DATA_ROOT_MISSING: {
      text: 'The data root {{path}} cannot be read ({{error}}).',
      fix: 'Create it or point DATA_ROOT at an existing, writable folder.',
    },
    BACKUP_RECENT: { text: 'The newest backup in {{dir}} is {{hours}} h old.' },
    BACKUP_OLD: {
      text: 'The newest backup in {{dir}} is {{hours}} h old.',
      fix: 'Check the backup timer (systemctl --user status ibloop-backup.timer) or run ibloop db backup.',
    },
    BACKUP_NONE: {
      text: 'No backup found in {{dir}}.',
      fix: 'Run ibloop db backup, and enable the daily timer (ibloop service install writes ibloop-backup.timer).',
    },
  } satisfies Record<string, CodeText>,
};

export type DoctorCode = keyof typeof en.codes;

interface DoctorTexts {
  checks: Record<keyof typeof en.checks, string>;
  status: Record<keyof typeof en.status, string>;
  codes: Record<DoctorCode, CodeText>;
}

const zhCN: DoctorTexts = {
  checks: {
    'gateway.reachable': '网关可达',
    'gateway.api': 'API 套接字应答',
    'gateway.client_id': '交易客户端 ID',
    'gateway.connectivity': '网关与 IB 服务器的连接',
    'gateway.read_only': '只读 API',
    'gateway.market_data': '行情权限',
    'gateway.history': '历史数据',
    'gateway.account_mode': '账户与模式',
    'gateway.clock': '系统时钟与网关时间',
    'database.reachable': '数据库可达',
    'database.migrations': '数据库迁移',
    'disk.space': '数据目录磁盘空间',
    'backup.age': '最近一次备份',
  },
  status: { pass: '通过', warn: '警告', fail: '失败', skip: '跳过' },
  codes: {
    GATEWAY_REACHABLE: { text: '{{host}}:{{port}} 有服务在监听。' },
    GATEWAY_UNREACHABLE: {
      text: '{{host}}:{{port}} 无应答（{{error}}）。',
      fix: '启动 IB Gateway / TWS（systemctl --user start ib-gateway），并检查 IB_HOST 与 IB_PORT（Gateway 模拟 4002、实盘 4001；TWS 7497 / 7496）。',
    },
    BUILT_IN_GATEWAY_NOT_RUNNING: {
      text: '未配置 IB 网关，内置模拟网关在 {{host}}:{{port}} 不可达（{{error}}）。',
      fix: '内置模拟网关运行在 `ibloop serve` 进程内：请启动服务；或为真实网关设置 IB_HOST / IB_PORT / IB_ACCOUNT。',
    },
    SKIPPED_NO_GATEWAY: { text: '未检查：网关不可达。' },
    SKIPPED_NO_API: { text: '未检查：网关不响应 API 请求。' },
    SKIPPED_NO_DATABASE: { text: '未检查：数据库不可达。' },
    API_READY: { text: 'API 握手完成（服务端版本 {{serverVersion}}）。' },
    API_SILENT: {
      text: '{{host}}:{{port}} 接受了连接，但 API 在 {{seconds}} 秒内没有应答。',
      fix: '开启套接字 API（Configure > Settings > API >「Enable ActiveX and Socket Clients」），把本机加入受信任 IP，并确认网关没有停在登录或弹窗界面（查看 IBC 日志）。',
    },
    PROBE_CLIENT_ID_IN_USE: {
      text: '诊断自用的客户端 ID {{clientId}} 已被占用。',
      fix: '可能另一次诊断正在进行，请一分钟后重试。',
    },
    CLIENT_ID_OURS: { text: '客户端 ID {{clientId}} 由本 ibloop 服务持有。' },
    CLIENT_ID_FREE: { text: '客户端 ID {{clientId}} 空闲，可供 ibloop 使用。' },
    CLIENT_ID_IN_USE: {
      text: '客户端 ID {{clientId}} 已被占用（IB 错误 326）。',
      fix: '如果 `ibloop serve` 正在运行，这是正常的。否则有其他程序在用 IB_CLIENT_ID：停止它，或给 ibloop 一个专用 ID（订单归属于客户端 ID，开始交易后请保持不变）。',
    },
    CLIENT_ID_UNKNOWN: {
      text: '无法判断客户端 ID {{clientId}} 是否空闲（无应答）。',
      fix: '请重新诊断；若反复出现，请重启网关。',
    },
    IB_CONNECTIVITY_LOST: {
      text: '网关与 IB 服务器的连接已中断（IB 错误 1100）。',
      fix: '等待 IB 夜间维护结束（随后会有 1101/1102）；若持续，请检查网关主机的网络和 IB 系统状态页。',
    },
    DATA_FARM_BROKEN: {
      text: 'IB 报告行情数据服务器连接中断（代码 {{codes}}）。',
      fix: '通常是暂时的；若持续，请重启网关。',
    },
    CONNECTIVITY_OK: { text: '网关已连接 IB 服务器。' },
    READ_ONLY_REFUSED: {
      text: '最近 7 天内有 {{count}} 笔订单因 API 只读被 IB 拒绝（最近一次 {{lastAt}}）。',
      fix: '在 IB Gateway / TWS 中：Configure > Settings > API > Settings，取消勾选「Read-Only API」（IBC：config.ini 中 ReadOnlyApi=no），然后重启网关。',
    },
    READ_ONLY_NOT_SEEN: {
      text: '最近 7 天没有订单因只读被拒绝（IB 不直接报告该设置；诊断不会为测试而下单）。',
    },
    MARKET_DATA_DELAYED: {
      text: '{{symbol}} 只有延迟行情（没有实时订阅）。',
      fix: '交易可以使用延迟行情，但价格滞后 15 分钟：请在 IB 账户管理中订阅美股行情（并共享给模拟账户）。',
    },
    MARKET_DATA_NONE: {
      text: '{{symbol}} 没有报价（IB 代码 {{code}}）。',
      fix: '检查行情订阅及行情服务器连接；使用内置网关时，该代码可能被故障注入停止了行情。',
    },
    MARKET_DATA_LIVE: { text: '{{symbol}} 有实时报价。' },
    HISTORY_PACING: {
      text: 'IB 拒绝了 {{symbol}} 的历史数据请求：请求频率违规（错误 162）。',
      fix: '近期历史数据请求过多；补数据前请等待十分钟，并保持补数据限速设置。',
    },
    HISTORY_ERROR: {
      text: '{{symbol}} 没有日线（IB 代码 {{code}}：{{message}}）。',
      fix: '检查历史数据权限和 HMDS 服务器状态。',
    },
    HISTORY_OK: { text: '收到 {{symbol}} 的 {{bars}} 根日线。' },
    ACCOUNT_MODE_OK: { text: '模式 {{mode}} 与账户 {{account}} 一致。' },
    ACCOUNT_MODE_MISMATCH: {
      text: '模式 {{mode}} 与网关账户（{{accounts}}）不符：{{reason}}。',
      fix: '让网关登录正确的账户（模拟账户以 DU 开头），或在设置中修改 IB_MODE / IB_ACCOUNT。',
    },
    CLOCK_UNANSWERED: {
      text: '网关没有响应时间请求。',
      fix: '请重新诊断；若反复出现，请重启网关。',
    },
    CLOCK_OK: { text: '系统时钟与网关一致（相差 {{seconds}} 秒）。' },
    CLOCK_SKEW: {
      text: '系统时钟与网关相差 {{seconds}} 秒。',
      fix: '在本机和网关主机上开启时间同步（timedatectl set-ntp true）。',
    },
    DB_REACHABLE: { text: '{{engine}} 数据库正常应答。' },
    DB_UNREACHABLE: {
      text: '{{engine}} 数据库无应答：{{error}}。',
      fix: '检查 DATABASE_URL 及 PostgreSQL 是否运行（SQLite：数据目录是否可写）。',
    },
    MIGRATIONS_CURRENT: { text: '所有迁移均已应用。' },
    MIGRATIONS_PENDING: {
      text: '有 {{count}} 个迁移未应用：{{names}}。',
      fix: '先备份（ibloop db backup），再运行 ibloop db migrate（或重启 ibloop serve，启动时会自动迁移）。',
    },
    DISK_OK: { text: '{{path}} 下剩余 {{freeGiB}} GiB。' },
    DISK_LOW: {
      text: '{{path}} 下仅剩 {{freeGiB}} GiB。',
      fix: '清理空间或迁移 DATA_ROOT：行情数据、备份和 SQLite 数据库会持续增长（旧备份由备份定时器按保留数清理）。',
    },
    DATA_ROOT_MISSING: {
      text: '无法读取数据目录 {{path}}（{{error}}）。',
      fix: '创建该目录，或把 DATA_ROOT 指向已存在且可写的目录。',
    },
    BACKUP_RECENT: { text: '{{dir}} 中最新的备份是 {{hours}} 小时前。' },
    BACKUP_OLD: {
      text: '{{dir}} 中最新的备份已是 {{hours}} 小时前。',
      fix: '检查备份定时器（systemctl --user status ibloop-backup.timer），或运行 ibloop db backup。',
    },
    BACKUP_NONE: {
      text: '{{dir}} 中没有备份。',
      fix: '运行 ibloop db backup，并启用每日定时器（ibloop service install 会写入 ibloop-backup.timer）。',
    },
  },
};

export const DOCTOR_TEXTS: Record<'en' | 'zh-CN', DoctorTexts> = { en, 'zh-CN': zhCN };
export const DOCTOR_CODES = Object.keys(en.codes) as [DoctorCode, ...DoctorCode[]];
