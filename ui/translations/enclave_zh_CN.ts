<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Format</name>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>%1 K</source>
        <translation>%1 K</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 k</source>
        <translation>%1 k</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>Enclave cannot open its conversation database:
%1</source>
        <translation>Enclave 无法打开对话数据库：
%1</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ChatPage</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新的对话（Ctrl+N）</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>System prompt, sampling and export for this conversation</source>
        <translation>本对话的系统提示词、采样参数与导出</translation>
    </message>
    <message>
        <source>Open model library</source>
        <translation>打开模型库</translation>
    </message>
    <message>
        <source>Start a conversation</source>
        <translation>开始对话</translation>
    </message>
    <message>
        <source>Everything stays on this computer: the model runs here and the conversation is saved in your local database.</source>
        <translation>所有内容都留在这台电脑上：模型在本机运行，对话保存在本地数据库中。</translation>
    </message>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>The conversation could not be saved: %1</source>
        <translation>无法保存对话：%1</translation>
    </message>
    <message>
        <source>Loading the model… You can read your conversations meanwhile.</source>
        <translation>正在加载模型……此期间您可以查看已有对话。</translation>
    </message>
    <message>
        <source>The model is still loading</source>
        <translation>模型仍在加载</translation>
    </message>
    <message>
        <source>No model is loaded. Load one in the model library to start chatting.</source>
        <translation>尚未加载模型。请在模型库中加载一个模型后开始对话。</translation>
    </message>
    <message>
        <source>Load a model first</source>
        <translation>请先加载模型</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 词元</translation>
    </message>
    <message>
        <source>Context in use: the prompt and the answer so far. When it is full, the oldest messages are left out.</source>
        <translation>已用上下文：提示词和目前为止的回答。上下文用满时，最早的消息将被略去。</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Delete "%1" and all its messages? This cannot be undone.</source>
        <translation>删除“%1”及其全部消息？此操作无法撤销。</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON（*.json）</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown（*.md）</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 has no tokenizer: type token ids (for example 1, 17, 200). Each message is a prompt on its own, and the answer shows the generated ids.</source>
        <translation>%1 没有分词器：请输入词元 ID（例如 1, 17, 200）。每条消息单独作为提示词，回答显示生成的 ID。</translation>
    </message>
</context>
<context>
    <name>enclave::ui::CodeBlockWidget</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>enclave::ui::Composer</name>
    <message>
        <source>Message the model…</source>
        <translation>给模型发消息…</translation>
    </message>
    <message>
        <source>Ctrl+Enter to send · Esc to stop</source>
        <translation>Ctrl+Enter 发送 · Esc 停止</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答（Esc）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ConversationSettingsPanel</name>
    <message>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model follows in this conversation</source>
        <translation>模型在本对话中遵循的指示</translation>
    </message>
    <message>
        <source>0 always picks the most likely token; DeepSeek-R1 recommends 0.5 to 0.7</source>
        <translation>0 表示总是选择概率最高的词元；DeepSeek-R1 建议 0.5 到 0.7</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>The same seed and settings give the same answer</source>
        <translation>相同的种子和设置会得到相同的回答</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Hide the model's reasoning</source>
        <translation>隐藏模型的推理过程</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MainWindow</name>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Model folders, default device, theme and language (Ctrl+,)</source>
        <translation>模型文件夹、默认设备、主题与语言（Ctrl+,）</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Index folders of PDF, Word, HTML and text files and ask questions answered with cited sources. Coming in a later version.</source>
        <translation>为 PDF、Word、HTML 和文本文件夹建立索引，并获得附带引用来源的回答。将在后续版本中推出。</translation>
    </message>
    <message>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <source>Check whether a model fits a GPU, how fast it will run and what it costs, before anything is downloaded. Coming in a later version.</source>
        <translation>在下载之前检查模型能否装入某块 GPU、运行速度以及成本。将在后续版本中推出。</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>监控</translation>
    </message>
    <message>
        <source>Live charts of GPU utilisation, memory, temperature, power and the engine's tokens per second. Coming in a later version.</source>
        <translation>实时图表显示 GPU 利用率、显存、温度、功耗以及引擎每秒生成的词元数。将在后续版本中推出。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>VRAM in use: %1</source>
        <translation>已用显存：%1</translation>
    </message>
    <message>
        <source>Memory in use: %1</source>
        <translation>已用内存：%1</translation>
    </message>
    <message>
        <source>– tok/s</source>
        <translation>– 词元/秒</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MessageWidget</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Send edited message</source>
        <translation>发送修改后的消息</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the message as Markdown</source>
        <translation>以 Markdown 格式复制消息</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Write a new answer; this one stays as an earlier version</source>
        <translation>生成新的回答；当前回答保留为早期版本</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit and send again; the original stays as an earlier version</source>
        <translation>编辑后重新发送；原消息保留为早期版本</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation><numerusform>%n 个词元</numerusform></translation>
    </message>
    <message>
        <source>*Waiting for the model…*</source>
        <translation>*正在等待模型…*</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) were left out because the conversation no longer fits the model's context.</source>
        <translation><numerusform>对话已超出模型的上下文，%n 条较早的消息被略去。</numerusform></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Interrupted: Enclave closed while this answer was being written.</source>
        <translation>已中断：生成此回答时 Enclave 被关闭。</translation>
    </message>
    <message>
        <source>The engine failed: %1</source>
        <translation>引擎出错：%1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ModelLibraryPage</name>
    <message>
        <source>Model library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <source>GGUF files and Hugging Face folders found in your model folders. Models are read from disk only; nothing is downloaded.</source>
        <translation>在您的模型文件夹中找到的 GGUF 文件和 Hugging Face 模型文件夹。模型只从本地磁盘读取，不会下载任何内容。</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>No models found. Add a folder that holds .gguf files or Hugging Face model folders.</source>
        <translation>未找到模型。请添加包含 .gguf 文件或 Hugging Face 模型文件夹的目录。</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>CPU: %1 (%2)</source>
        <translation>CPU：%1（%2）</translation>
    </message>
    <message>
        <source>GPU %1: %2 (%3)</source>
        <translation>GPU %1：%2（%3）</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Load a model file that is not in your folders</source>
        <translation>加载不在模型文件夹中的模型文件</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Loading… %p%</source>
        <translation>正在加载… %p%</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Start chatting</source>
        <translation>开始聊天</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Loading %1… %p%</source>
        <translation>正在加载 %1… %p%</translation>
    </message>
    <message>
        <source>%1 is loaded on %2 (%3) with a %4-token context, using %5.</source>
        <translation>%1 已加载到 %2（%3），上下文 %4 词元，占用 %5。</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注意：%1</translation>
    </message>
    <message>
        <source>Loading was cancelled. No model is loaded.</source>
        <translation>加载已取消，当前没有加载模型。</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>当前没有加载模型。</translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型（*.gguf）</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ModelTableModel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Fits this machine</source>
        <translation>本机能否运行</translation>
    </message>
    <message>
        <source>This model cannot be read: %1</source>
        <translation>无法读取此模型：%1</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Yes (%1)</source>
        <translation>能（%1）</translation>
    </message>
    <message>
        <source>No: needs %1</source>
        <translation>不能：需要 %1</translation>
    </message>
    <message>
        <source>Needs about %1 with a %2-token context; %3 has %4 usable. Estimate: weights, KV cache, compute buffers and overhead.</source>
        <translation>在 %2 词元上下文下约需 %1；%3 可用 %4。估算包括权重、KV 缓存、计算缓冲区和额外开销。</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>enclave::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Model folders</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <source>Defaults and appearance</source>
        <translation>默认值与外观</translation>
    </message>
    <message>
        <source>CPU: %1</source>
        <translation>CPU：%1</translation>
    </message>
    <message>
        <source>GPU %1: %2</source>
        <translation>GPU %1：%2</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>The new language is used the next time Enclave starts.</source>
        <translation>新的语言将在下次启动 Enclave 时生效。</translation>
    </message>
    <message>
        <source>Default device</source>
        <translation>默认设备</translation>
    </message>
    <message>
        <source>Default context</source>
        <translation>默认上下文</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ThinkingBlock</name>
    <message>
        <source>Show or hide the model's reasoning</source>
        <translation>显示或隐藏模型的推理过程</translation>
    </message>
    <message>
        <source>Copy the reasoning</source>
        <translation>复制推理过程</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Thinking… %1</source>
        <translation>思考中… %1</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for %1</source>
        <translation>已思考 %1</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理过程</translation>
    </message>
</context>
<context>
    <name>enclave::ui::HardwarePage</name>
    <message>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <source>Will a model fit, how fast will it run, and what does it cost? Estimated from the model&apos;s shape before anything is downloaded.</source>
        <translation>模型能否装下、运行多快、成本多少？在下载任何文件之前，根据模型结构进行估算。</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>估算</translation>
    </message>
    <message>
        <source>What runs on this hardware: every preset at every quantisation, at the context, parallel sequences, KV type and GPUs chosen on the Estimate tab. Cells show the decode speed per sequence.</source>
        <translation>此硬件能运行什么：每个预设模型在每种量化下的结果，使用“估算”页中选择的上下文长度、并行序列数、KV 类型和 GPU。单元格显示每个序列的解码速度。</translation>
    </message>
    <message>
        <source>What runs here</source>
        <translation>可运行的模型</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>成本</translation>
    </message>
    <message>
        <source>From a file...</source>
        <translation>从文件...</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>A GGUF file, a Hugging Face model folder or its config.json</source>
        <translation>GGUF 文件、Hugging Face 模型文件夹或其 config.json</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>量化</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Sequences decoded together, each with its own context</source>
        <translation>同时解码的序列数，每个序列有自己的上下文</translation>
    </message>
    <message>
        <source>Parallel sequences</source>
        <translation>并行序列</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <source>CPU only (host RAM)</source>
        <translation>仅 CPU（主机内存）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1, this machine</source>
        <translation>%1，本机</translation>
    </message>
    <message>
        <source>%1, reference only</source>
        <translation>%1，仅供参考</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Number of GPUs</source>
        <translation>GPU 数量</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Repeating layers offloaded to the GPU(s); the rest run on the CPU</source>
        <translation>卸载到 GPU 的重复层数；其余层在 CPU 上运行</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算缓冲区</translation>
    </message>
    <message>
        <source>Usable</source>
        <translation>可用（扣除余量）</translation>
    </message>
    <message>
        <source>Overhead</source>
        <translation>开销</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Memory per device</source>
        <translation>每个设备的内存</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>GGUF or config.json (*.gguf config.json);;All files (*)</source>
        <translation>GGUF 或 config.json (*.gguf config.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>Choose a GGUF file or a Hugging Face model folder.</source>
        <translation>请选择 GGUF 文件或 Hugging Face 模型文件夹。</translation>
    </message>
    <message>
        <source>Trained maximum: %1 tokens</source>
        <translation>训练最大长度：%1 个词元</translation>
    </message>
    <message>
        <source>No estimate</source>
        <translation>无估算结果</translation>
    </message>
    <message>
        <source>Fits. Largest context that fits: %1 tokens.</source>
        <translation>可以装下。可容纳的最大上下文：%1 个词元。</translation>
    </message>
    <message>
        <source>Does not fit: %1</source>
        <translation>装不下：%1</translation>
    </message>
    <message>
        <source>Weights %1 (%2 parameters, %3 bits per weight), KV cache %4.</source>
        <translation>权重 %1（%2 参数，每个权重 %3 位），KV 缓存 %4。</translation>
    </message>
    <message>
        <source>Decode: %1 tok/s per sequence (%2 tok/s with the context full). Prefill: %3 tok/s.</source>
        <translation>解码：每个序列 %1 词元/秒（上下文占满时 %2 词元/秒）。预填充：%3 词元/秒。</translation>
    </message>
    <message>
        <source>Per GPU: %1 of %2 usable. Host RAM: %3 of %4.</source>
        <translation>每个 GPU：%1 / 可用 %2。主机内存：%3 / %4。</translation>
    </message>
    <message>
        <source>Host RAM: %1 of %2.</source>
        <translation>主机内存：%1 / %2。</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>Host RAM</source>
        <translation>主机内存</translation>
    </message>
    <message>
        <source>VRAM %1</source>
        <translation>显存 %1</translation>
    </message>
    <message>
        <source>RAM %1</source>
        <translation>内存 %1</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>Fits: %1, up to %2 tokens of context</source>
        <translation>可以装下：%1，上下文最多 %2 个词元</translation>
    </message>
    <message>
        <source>does not fit</source>
        <translation>装不下</translation>
    </message>
    <message>
        <source>Needs %1</source>
        <translation>需要 %1</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MonitorPage</name>
    <message>
        <source>Alert: %1</source>
        <translation>警报：%1</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>监控</translation>
    </message>
    <message>
        <source>GPU %1: %2</source>
        <translation>GPU %1：%2</translation>
    </message>
    <message>
        <source>Last minute</source>
        <translation>最近 1 分钟</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>最近 5 分钟</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>最近 10 分钟</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>导出 CSV...</translation>
    </message>
    <message>
        <source>%1. Driver %2, CUDA %3.</source>
        <translation>%1。驱动 %2，CUDA %3。</translation>
    </message>
    <message>
        <source>No NVIDIA GPU detected. CPU, memory and engine charts keep working. (%1)</source>
        <translation>未检测到 NVIDIA GPU。CPU、内存和引擎图表仍可使用。（%1）</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>GPU 利用率</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Memory controller</source>
        <translation>显存控制器</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>显存</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已用</translation>
    </message>
    <message>
        <source>Held by the engine</source>
        <translation>引擎占用</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>°C</source>
        <translation>°C</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>功耗</translation>
    </message>
    <message>
        <source>W</source>
        <translation>W</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>当前功耗</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>上限</translation>
    </message>
    <message>
        <source>Clocks</source>
        <translation>频率</translation>
    </message>
    <message>
        <source>MHz</source>
        <translation>MHz</translation>
    </message>
    <message>
        <source>SM</source>
        <translation>SM</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>显存</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>每秒词元数</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>所有核心</translation>
    </message>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Processes on the selected GPU</source>
        <translation>所选 GPU 上的进程</translation>
    </message>
    <message>
        <source>This process (host memory)</source>
        <translation>本进程（主机内存）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>GPU %1%, VRAM %2 of %3, %4, %5 of %6, SM %7, fan %8, PCIe rx %9/s tx %10/s, clock limits: %11</source>
        <translation>GPU %1%，显存 %2 / %3，%4，%5 / %6，SM %7，风扇 %8，PCIe 接收 %9/s 发送 %10/s，降频原因：%11</translation>
    </message>
    <message>
        <source>CPU %1, RAM %2 of %3, engine %4 at %5 tok/s</source>
        <translation>CPU %1，内存 %2 / %3，引擎 %4，%5 词元/秒</translation>
    </message>
    <message>
        <source>%1 (this process)</source>
        <translation>%1（本进程）</translation>
    </message>
    <message>
        <source>Export samples</source>
        <translation>导出采样数据</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>enclave::ui::TcoPanel</name>
    <message>
        <source>Local hardware</source>
        <translation>本地硬件</translation>
    </message>
    <message>
        <source> W</source>
        <translation> W</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source> % per year</source>
        <translation> % 每年</translation>
    </message>
    <message>
        <source>Purchase price</source>
        <translation>购买价格</translation>
    </message>
    <message>
        <source>Power under load</source>
        <translation>满载功耗</translation>
    </message>
    <message>
        <source>Electricity per kWh</source>
        <translation>每千瓦时电价</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>利用率</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>维护费用</translation>
    </message>
    <message>
        <source>Cloud API</source>
        <translation>云 API</translation>
    </message>
    <message>
        <source> M</source>
        <translation> 百万</translation>
    </message>
    <message>
        <source> years</source>
        <translation> 年</translation>
    </message>
    <message>
        <source>Per million input tokens</source>
        <translation>每百万输入词元</translation>
    </message>
    <message>
        <source>Per million output tokens</source>
        <translation>每百万输出词元</translation>
    </message>
    <message>
        <source>Input tokens per day</source>
        <translation>每日输入词元</translation>
    </message>
    <message>
        <source>Output tokens per day</source>
        <translation>每日输出词元</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>Local (cumulative)</source>
        <translation>本地（累计）</translation>
    </message>
    <message>
        <source>Cloud API (cumulative)</source>
        <translation>云 API（累计）</translation>
    </message>
    <message>
        <source>Break-even</source>
        <translation>盈亏平衡点</translation>
    </message>
    <message>
        <source>Total cost of ownership</source>
        <translation>总拥有成本</translation>
    </message>
    <message>
        <source>Years</source>
        <translation>年</translation>
    </message>
    <message>
        <source>USD</source>
        <translation>美元</translation>
    </message>
    <message>
        <source>Break-even after %1 years (%2 months): local %3 vs cloud %4 over %5 years.</source>
        <translation>%1 年（%2 个月）后达到盈亏平衡：%5 年内本地 %3，云端 %4。</translation>
    </message>
    <message>
        <source>Break-even after %1 years, beyond the %2 shown: the cloud is cheaper over this period.</source>
        <translation>%1 年后才达到盈亏平衡，超出所示的 %2 年：在此期间云端更便宜。</translation>
    </message>
    <message>
        <source>No break-even: the cloud API stays cheaper than running this hardware.</source>
        <translation>无盈亏平衡点：云 API 始终比运行此硬件便宜。</translation>
    </message>
    <message>
        <source>Running cost %1 per year (energy %2), cloud %3 per year.</source>
        <translation>运行成本每年 %1（电费 %2），云端每年 %3。</translation>
    </message>
    <message>
        <source>One machine cannot produce that many output tokens a day at %1 tok/s (it would need %2% of the day).</source>
        <translation>以 %1 词元/秒的速度，一台机器每天无法产出这么多输出词元（需要一天中 %2% 的时间）。</translation>
    </message>
    <message>
        <source>At %1 tok/s the hardware needs %2% of the day for the output tokens.</source>
        <translation>以 %1 词元/秒的速度，该硬件每天需要 %2% 的时间来产出这些输出词元。</translation>
    </message>
</context>
</TS>