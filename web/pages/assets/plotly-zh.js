/* Plotly's charts in Chinese sessions: month and day names, number formats and the modebar's
 * tooltips. Plotly reads window.PlotlyLocales when it loads (Dash loads it with the first
 * chart, after this file). The pages' figures set no locale, so in a Chinese session (the
 * server writes <html lang="zh">) the default locale, en-US, is given the Chinese words too;
 * the language switch reloads the page, so a session never mixes the two. */
(function () {
  "use strict";
  if (document.documentElement.lang !== "zh") { return; }
  var months = ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
                "十一月", "十二月"];
  var format = {
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    months: months,
    shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月",
                  "12月"],
    date: "%Y-%m-%d", year: "%Y年", month: "%Y年%-m月", dayMonth: "%-m月%-d日",
    dayMonthYear: "%Y年%-m月%-d日"
  };
  var dictionary = {
    "Autoscale": "自动缩放", "Box Select": "矩形框选", "Download plot as a png": "下载为 PNG 图片",
    "Download plot": "下载图表", "Lasso Select": "套索选择", "Orbital rotation": "轨道旋转",
    "Pan": "平移", "Produced with Plotly.js": "由 Plotly.js 生成", "Reset": "重置",
    "Reset axes": "重置坐标轴", "Reset camera to default": "重置视角",
    "Reset camera to last save": "恢复上次保存的视角", "Reset view": "重置视图",
    "Reset views": "重置视图", "Show closest data on hover": "悬停时显示最近的数据",
    "Compare data on hover": "悬停时比较数据", "Snapshot succeeded": "截图成功",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，下载截图时出错！",
    "Taking snapshot - this may take a few seconds": "正在截图，可能需要几秒钟",
    "Toggle Spike Lines": "切换辅助线", "Toggle show closest data on hover": "切换悬停显示最近数据",
    "Turntable rotation": "转台旋转", "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小",
    "Double-click to zoom back out": "双击还原缩放", "Click to enter Plot title": "点击输入图表标题",
    "Click to enter X axis title": "点击输入 X 轴标题", "Click to enter Y axis title": "点击输入 Y 轴标题",
    "trace": "数据", "Close": "收盘", "High": "最高", "Low": "最低", "Open": "开盘",
    "Kernel": "核密度", "max": "最大值", "min": "最小值", "mean": "平均值", "median": "中位数",
    "lower fence": "下界", "upper fence": "上界", "q1": "下四分位数", "q3": "上四分位数",
    "new text": "新文本"
  };
  window.PlotlyLocales = window.PlotlyLocales || [];
  window.PlotlyLocales.push({ moduleType: "locale", name: "zh-CN", dictionary: dictionary,
                              format: format });
  window.PlotlyLocales.push({ moduleType: "locale", name: "en-US", dictionary: dictionary,
                              format: format });
})();
